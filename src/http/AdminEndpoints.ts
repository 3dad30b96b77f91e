import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminSource } from './AdminSource.js';
import { BearerToken } from './BearerToken.js';
import { EventStream } from './EventStream.js';
import type { ResolvedHandlerOptions } from './handlerOptions.js';
import { openPeriod } from './openPeriod.js';
import { type Page, renderPage } from './page/dashboardPage.js';
import { readBody } from './readBody.js';
import { requestTarget } from './requestTarget.js';
import { SECURITY_HEADERS, sendError, sendJson } from './respond.js';
import { matchRoute, type Route } from './routes.js';

/** What Express passes as a middleware's third argument. */
export type NextFunction = (error?: unknown) => void;

/**
 * @internal The endpoints over one data source: routing, authorisation, bodies, the JSON answers,
 * the event stream and the page. Every failure becomes an answer (a JSON 500 without details, the
 * error going to the logger); nothing is thrown at the server or left as a rejected promise.
 */
export class AdminEndpoints {
  readonly #source: AdminSource;
  readonly #options: ResolvedHandlerOptions;
  readonly #token: BearerToken;
  readonly #events: EventStream;
  readonly #page: Page;

  constructor(source: AdminSource, options: ResolvedHandlerOptions) {
    this.#source = source;
    this.#options = options;
    this.#token = new BearerToken(options.token);
    this.#events = new EventStream(source, options);
    this.#page = renderPage({
      title: options.title,
      scope: source.scope,
      control: this.#token.configured,
    });
  }

  /** Event-stream clients connected now. */
  get streams(): number {
    return this.#events.size;
  }

  /** Serves one request (never throws, never rejects). */
  handle(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void {
    let served: Promise<void>;
    try {
      served = this.#serve(req, res, next);
    } catch (error) {
      served = Promise.reject(error);
    }
    served.catch((error: unknown) => {
      try {
        this.#options.logger?.error({ err: error }, 'breakwater/http: a request failed');
      } catch {
        // A throwing logger must not turn into an unhandled rejection.
      }
      if (!res.headersSent) {
        sendError(res, 500, 'internal_error', 'The admin handler failed; the details are in the server log');
      } else {
        res.destroy();
      }
    });
  }

  /** Ends the event streams and refuses new ones. */
  close(): void {
    this.#events.close();
  }

  async #serve(req: IncomingMessage, res: ServerResponse, next: NextFunction | undefined): Promise<void> {
    const target = requestTarget(req, this.#options.basePath);
    if (target === undefined) {
      if (next !== undefined) return next();
      return sendError(res, 404, 'not_found', 'Nothing here: the admin endpoints are under another path');
    }
    const match = matchRoute(target.path);
    if ('error' in match) {
      if (match.error === 'bad_name') return sendError(res, 400, 'bad_request', match.message);
      return sendError(
        res,
        404,
        'not_found',
        'No such endpoint: see GET /health, /breakers, /breakers/:name, /events',
      );
    }
    const method = req.method ?? 'GET';
    if (!match.allow.includes(method)) {
      return sendError(
        res,
        405,
        'method_not_allowed',
        `${method} is not allowed here; use ${match.allow.join(' or ')}`,
        { allow: match.allow.join(', ') },
      );
    }
    const credential = this.#token.check(req.headers.authorization);
    const route: Route = match.route;
    switch (route.kind) {
      case 'page':
        return this.#servePage(res);
      case 'health': {
        const { unhealthy, body } = await this.#source.health();
        return sendJson(res, unhealthy ? 503 : 200, body);
      }
      case 'list':
        return sendJson(res, 200, await this.#source.list(credential === 'valid'));
      case 'breaker': {
        const view = await this.#source.find(route.name, credential === 'valid');
        if (view === undefined) return notFound(res, route.name);
        return sendJson(res, 200, view);
      }
      case 'events':
        return this.#events.accept(req, res);
      case 'control': {
        if (!this.#token.configured) {
          return sendError(
            res,
            403,
            'forbidden',
            'Control is off: this handler was created without a token (give it `token` to turn control on)',
          );
        }
        if (credential !== 'valid') {
          return sendError(
            res,
            401,
            'unauthorized',
            credential === 'absent'
              ? 'Control needs the header Authorization: Bearer <token>'
              : 'The token is not valid',
            {
              'www-authenticate': `Bearer realm="breakwater"${credential === 'invalid' ? ', error="invalid_token"' : ''}`,
            },
          );
        }
        const body = await readBody(req, this.#options.maxBodyBytes);
        if (!body.ok) {
          const error = body.status === 413 ? 'payload_too_large' : 'bad_request';
          return sendError(
            res,
            body.status,
            error,
            body.message,
            body.status === 413 ? { connection: 'close' } : {},
          );
        }
        const period = openPeriod(route.command, target.query, body.value);
        if (!period.ok) return sendError(res, 400, 'bad_request', period.message);
        const outcome = await this.#source.control(route.name, route.command, period.openFor);
        if (outcome.kind === 'not_found') return notFound(res, route.name);
        if (outcome.kind === 'unsupported') return sendError(res, 400, 'bad_request', outcome.message);
        return sendJson(res, 200, {
          name: route.name,
          command: route.command,
          ...(period.openFor === undefined ? {} : { durationMs: period.openFor }),
          breaker: outcome.view ?? null,
        });
      }
    }
  }

  #servePage(res: ServerResponse): void {
    const html = this.#page.html;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-length': String(Buffer.byteLength(html)),
      'content-security-policy': this.#page.contentSecurityPolicy,
      'cross-origin-opener-policy': 'same-origin',
    });
    res.end(html);
  }
}

function notFound(res: ServerResponse, name: string): void {
  sendError(res, 404, 'not_found', `No breaker or keyed group named ${JSON.stringify(name)}`);
}
