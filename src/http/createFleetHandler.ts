import { expected } from '../options/describe.js';
import type { StoreAdmin } from '../store/StateStore.js';
import { AdminEndpoints } from './AdminEndpoints.js';
import { type AdminHandler, asHandler } from './AdminHandler.js';
import { FleetSource } from './FleetSource.js';
import { type AdminHandlerOptions, resolveHandlerOptions } from './handlerOptions.js';

/**
 * The endpoints and dashboard of {@link createAdminHandler} for a whole fleet, served from a
 * store's admin interface (`StoreAdmin`: `RedisStore`, `MemoryStore`, or your own) with no
 * application instance involved: the fleet-wide state of every breaker the store knows, its
 * window's counts and rates, the instances reporting, and control applied to every instance.
 *
 * Differences from the registry's handler: the store keeps no latency (it stays per instance) and no
 * cumulative counts, so the dashboard shows the shared window instead of calls per second; a store
 * publishes no events to an admin, so transitions are seen at each tick (by comparing states);
 * `GET /health` is 503 only while the store cannot be read (a store does not know which breakers
 * are critical).
 *
 * @param admin - The store's admin interface.
 * @param options - As for {@link createAdminHandler}; `title` defaults to 'breakwater fleet'.
 * @returns The handler, with `close()` to end its event streams at shutdown.
 * @throws TypeError when `admin` has no `list` and `control` methods, or for an invalid option.
 * @example
 * ```ts
 * import { createFleetHandler } from 'breakwater/http';
 * import { RedisStore } from 'breakwater/redis';
 *
 * const store = new RedisStore({ client: new Redis(process.env.REDIS_URL), namespace: 'checkout' });
 * createServer(createFleetHandler(store, { token: process.env.ADMIN_TOKEN })).listen(9000, '127.0.0.1');
 * ```
 */
export function createFleetHandler(admin: StoreAdmin, options: AdminHandlerOptions = {}): AdminHandler {
  const candidate = admin as unknown as Partial<Record<string, unknown>> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.list !== 'function' ||
    typeof candidate.control !== 'function'
  ) {
    throw new TypeError(expected('admin', 'a StoreAdmin (an object with list() and control())', admin));
  }
  const resolved = resolveHandlerOptions(options, 'createFleetHandler', 'breakwater fleet');
  return asHandler(new AdminEndpoints(new FleetSource(admin), resolved));
}
