import type { IncomingMessage } from 'node:http';

/** @internal A request body as the handler reads it. */
export type BodyResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly status: 400 | 413; readonly message: string };

const EMPTY: BodyResult = { ok: true, value: undefined };

/**
 * @internal Reads a request's JSON body, at most `limit` bytes (a larger one is a 413, told by its
 * `Content-Length` before reading when it has one). An empty body is `undefined`.
 *
 * A body that a framework has already parsed (`req.body`, as Express's `express.json()` leaves it)
 * is taken as it is; one that was consumed without leaving `req.body` is a 400 saying so, rather
 * than a request that waits forever.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const parsed = (req as { body?: unknown }).body;
  if (parsed !== undefined) return Promise.resolve(fromParsed(parsed));
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limit) return Promise.resolve(tooLarge(limit));
  if (req.readableEnded) {
    if (!(declared > 0)) return Promise.resolve(EMPTY);
    return Promise.resolve({
      ok: false,
      status: 400,
      message:
        'The request body was consumed before the admin handler saw it: mount the handler before ' +
        'body parsers (for Fastify, in an onRequest hook)',
    });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: BodyResult): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      // Leave the rest unread: Node discards it, or closes the connection when there is too much.
      if (!req.readableEnded) req.resume();
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) done(tooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = (): void => done(parse(Buffer.concat(chunks).toString('utf8')));
    const onError = (): void =>
      done({ ok: false, status: 400, message: 'The request body could not be read' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function fromParsed(body: unknown): BodyResult {
  if (typeof body === 'string') return parse(body);
  if (Buffer.isBuffer(body)) return parse(body.toString('utf8'));
  // Express's parsers leave `{}` for a request without a body.
  if (typeof body === 'object' && body !== null && Object.keys(body).length === 0) return EMPTY;
  return { ok: true, value: body };
}

function parse(text: string): BodyResult {
  if (text.trim() === '') return EMPTY;
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: 400, message: 'Expected the body to be JSON, such as {"durationMs":5000}' };
  }
}

function tooLarge(limit: number): BodyResult {
  return { ok: false, status: 413, message: `The request body is larger than ${limit} bytes` };
}
