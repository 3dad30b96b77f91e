import { expected } from '../options/describe.js';
import type { CircuitBreakerRegistry } from '../registry/CircuitBreakerRegistry.js';
import { AdminEndpoints } from './AdminEndpoints.js';
import { type AdminHandler, asHandler } from './AdminHandler.js';
import { type AdminHandlerOptions, resolveHandlerOptions } from './handlerOptions.js';
import { RegistrySource } from './RegistrySource.js';

/**
 * Health and admin endpoints, a server-sent event stream and a live dashboard for the breakers of a
 * registry, as one `(req, res)` handler for `node:http`, Express and Fastify:
 *
 * | endpoint | answers |
 * |---|---|
 * | `GET /health` | `registry.health()`; 200 while healthy or degraded, 503 only while unhealthy |
 * | `GET /breakers` | `{ breakers, groups }`: breakers by name, each keyed group as one entry |
 * | `GET /breakers/:name` | a breaker, a keyed breaker (`<group>:<key>`) or a group; 404 if unknown |
 * | `POST /breakers/:name/{open,force-open,force-close,reset}` | manual control (bearer token) |
 * | `GET /events` | server-sent events: `transition` as they happen, `tick` every second |
 * | `GET /` | the dashboard |
 *
 * Control needs `Authorization: Bearer <token>` (compared in constant time); without a configured
 * `token` it is off (403). `open` takes an optional period: `?for=5m` or `{ "durationMs": 300000 }`.
 * `lastError` is shown only to a request carrying the token. Reading costs nothing between requests:
 * figures are read from what the breakers keep, and the event stream subscribes to transitions only
 * while a client is connected.
 *
 * @param registry - The breakers to show and control (keyed groups included, each one entry).
 * @param options - `token`, `basePath`, and the limits of bodies and event streams.
 * @returns The handler, with `close()` to end its event streams at shutdown.
 * @throws TypeError when `registry` is not a registry, or for an invalid option (named in the
 * message); RangeError for an option out of range.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createAdminHandler } from 'breakwater/http';
 *
 * const admin = createAdminHandler(registry, { token: process.env.ADMIN_TOKEN, basePath: '/admin' });
 * createServer((req, res) => {
 *   if (req.url?.startsWith('/admin')) return admin(req, res);
 *   app(req, res);
 * }).listen(8080);
 * ```
 */
export function createAdminHandler(
  registry: CircuitBreakerRegistry,
  options: AdminHandlerOptions = {},
): AdminHandler {
  const candidate = registry as unknown as Partial<Record<string, unknown>> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.health !== 'function' ||
    typeof candidate.groups !== 'function' ||
    typeof candidate.registered !== 'function' ||
    typeof candidate.on !== 'function'
  ) {
    throw new TypeError(expected('registry', 'a CircuitBreakerRegistry', registry));
  }
  const resolved = resolveHandlerOptions(options, 'createAdminHandler', 'breakwater');
  return asHandler(new AdminEndpoints(new RegistrySource(registry), resolved));
}
