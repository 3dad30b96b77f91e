import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminEndpoints, NextFunction } from './AdminEndpoints.js';

/**
 * A request handler for `node:http`, Express and Fastify (see {@link createAdminHandler}), with
 * `close()` for shutdown.
 */
export interface AdminHandler {
  /**
   * Serves one request. Never throws; every failure is answered (a JSON 500 without details).
   * @param next - Express's `next`: called for a request outside `basePath`.
   */
  (req: IncomingMessage, res: ServerResponse, next?: NextFunction): void;
  /**
   * Ends the open event streams (the dashboard reconnects by itself) and refuses new ones; the
   * other endpoints keep answering. Call it before `server.close()`, which waits for open
   * connections to end.
   */
  close(): void;
  /** Event-stream clients connected now. */
  readonly streams: number;
}

/** @internal Wraps the endpoints as a handler function. */
export function asHandler(endpoints: AdminEndpoints): AdminHandler {
  const handler = (req: IncomingMessage, res: ServerResponse, next?: NextFunction): void =>
    endpoints.handle(req, res, next);
  return Object.defineProperties(handler, {
    close: { value: () => endpoints.close(), enumerable: true },
    streams: { get: () => endpoints.streams, enumerable: true },
  }) as AdminHandler;
}
