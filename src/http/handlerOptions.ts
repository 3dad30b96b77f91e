import { expected } from '../options/describe.js';
import type { Logger } from '../options.js';

/** Options of {@link createAdminHandler} and {@link createFleetHandler}. */
export interface AdminHandlerOptions {
  /**
   * The bearer token the control endpoints (`POST /breakers/:name/...`) require, sent as
   * `Authorization: Bearer <token>`. Without one, control is off: those endpoints answer 403. A
   * request carrying it also sees each breaker's `lastError` (a message may hold a connection
   * string). Use a long random value (`openssl rand -hex 32`) and keep it out of source control.
   * `undefined` (an unset environment variable: `token: process.env.ADMIN_TOKEN`) means no token.
   * @default undefined (control off)
   */
  token?: string | undefined;
  /**
   * The path under which clients reach the handler, as they see it (`'/admin'`): requests outside
   * it are passed to `next` (Express) or answered 404. Leave it out when the handler is mounted at
   * the root, or under Express's `app.use('/admin', handler)` (Express strips the mount path; given,
   * it is read from `req.originalUrl`). Needed under Fastify, which passes the whole URL.
   * @default '' (the root)
   */
  basePath?: string;
  /**
   * Largest request body accepted, in bytes (a control call's body is a few bytes of JSON); larger
   * bodies are answered 413.
   * @default 4096
   */
  maxBodyBytes?: number;
  /**
   * Event-stream clients (`GET /events`, each dashboard tab is one) served at once; more are
   * answered 503 with `Retry-After`.
   * @default 32
   */
  maxClients?: number;
  /**
   * Bytes an event-stream client may leave unread before it is dropped (its socket's and the
   * response's buffers). While a client's connection is congested it is sent no ticks, only
   * transitions, so a slow reader falls behind by whole ticks instead of buffering them.
   * @default 262_144 (256 KiB)
   */
  maxBufferBytes?: number;
  /**
   * Ms a congested event-stream client may go without draining before it is dropped: a client that
   * never reads is let go, not buffered for.
   * @default 30_000
   */
  stallTimeout?: number;
  /**
   * Ms between metrics ticks on the event stream (and samples of the breakers: figures per tick are
   * differences between two samples).
   * @default 1000
   */
  tickInterval?: number;
  /**
   * Ms between heartbeat comments on the event stream, which keep idle proxies from closing it.
   * @default 15_000
   */
  heartbeatInterval?: number;
  /**
   * The dashboard's title (shown as text).
   * @default 'breakwater' ('breakwater fleet' for a fleet handler)
   */
  title?: string;
  /**
   * Where the handler reports its own failures (a data source that throws, a store that cannot be
   * read): `logger.error({ err }, message)`. The response never carries the error's details.
   * @default undefined (failures are answered 500 and not logged)
   */
  logger?: Logger;
}

/** @internal The options with defaults applied. */
export interface ResolvedHandlerOptions {
  readonly token: string | undefined;
  readonly basePath: string;
  readonly maxBodyBytes: number;
  readonly maxClients: number;
  readonly maxBufferBytes: number;
  readonly stallTimeout: number;
  readonly tickInterval: number;
  readonly heartbeatInterval: number;
  readonly title: string;
  readonly logger: Logger | undefined;
}

const KNOWN = [
  'token',
  'basePath',
  'maxBodyBytes',
  'maxClients',
  'maxBufferBytes',
  'stallTimeout',
  'tickInterval',
  'heartbeatInterval',
  'title',
  'logger',
] as const;

/**
 * @internal Validates the options of a handler and applies the defaults.
 * @param caller - The function's name, for messages.
 * @throws TypeError for an unknown option or a value of the wrong type; RangeError for a value out of range.
 */
export function resolveHandlerOptions(
  options: AdminHandlerOptions,
  caller: string,
  defaultTitle: string,
): ResolvedHandlerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(expected('options', 'an object', options));
  }
  for (const key of Object.keys(options)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      throw new TypeError(`Unknown option \`${key}\` for ${caller}; the options are ${KNOWN.join(', ')}`);
    }
  }
  const { token, basePath = '', title = defaultTitle, logger } = options;
  if (token !== undefined && (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token))) {
    throw new TypeError(
      expected(
        'token',
        'a non-empty string of printable ASCII without spaces (or leave it out to turn control off)',
        token,
      ),
    );
  }
  if (typeof basePath !== 'string' || !/^(?:\/[^/?#\s]+)*\/?$/.test(basePath)) {
    throw new TypeError(expected('basePath', "a path such as '/admin' (or '' for the root)", basePath));
  }
  if (typeof title !== 'string') throw new TypeError(expected('title', 'a string', title));
  if (
    logger !== undefined &&
    (typeof logger !== 'object' || logger === null || typeof logger.error !== 'function')
  ) {
    throw new TypeError(expected('logger', 'an object with an error(obj, msg) method', logger));
  }
  return {
    token,
    basePath: basePath.endsWith('/') ? basePath.slice(0, -1) : basePath,
    maxBodyBytes: count('maxBodyBytes', options.maxBodyBytes, 4096, 0),
    maxClients: count('maxClients', options.maxClients, 32, 0),
    maxBufferBytes: count('maxBufferBytes', options.maxBufferBytes, 262_144, 1024),
    stallTimeout: duration('stallTimeout', options.stallTimeout, 30_000),
    tickInterval: duration('tickInterval', options.tickInterval, 1000, 10),
    heartbeatInterval: duration('heartbeatInterval', options.heartbeatInterval, 15_000),
    title,
    logger,
  };
}

function count(option: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return value;
  const message = expected(option, `an integer >= ${min}`, value);
  throw typeof value === 'number' ? new RangeError(message) : new TypeError(message);
}

function duration(option: string, value: unknown, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && value >= min && value <= 2_147_483_647) return value;
  const message = expected(option, `a duration in ms from ${min} to 2147483647`, value);
  throw typeof value === 'number' ? new RangeError(message) : new TypeError(message);
}
