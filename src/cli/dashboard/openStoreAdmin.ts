import type { StoreAdmin } from '../../index.js';
import { UsageError } from '../UsageError.js';

/** A store's admin interface opened for the CLI, and how to let it go. */
export interface OpenedStoreAdmin {
  readonly admin: StoreAdmin;
  /** Closes the store's connections. */
  close(): Promise<void>;
}

/** Opens the fleet store at `redisUrl` under `namespace`. */
export type OpenStoreAdmin = (redisUrl: string, namespace: string) => Promise<OpenedStoreAdmin>;

/**
 * The factory `breakwater dashboard` uses. Until `breakwater/redis` is part of this build it answers
 * with a usage error saying so; wiring it means returning `{ admin: store, close: () => store.close() }`
 * for a `RedisStore` on an ioredis client of `redisUrl` (the fleet commands' shared plumbing in
 * `src/cli/fleet/` does the same).
 */
export const openStoreAdmin: OpenStoreAdmin = () =>
  Promise.reject(
    new UsageError(
      '`breakwater dashboard` is not available yet: it arrives with shared state through Redis ' +
        '(breakwater/redis). createFleetHandler() from breakwater/http serves the same page from any StoreAdmin.',
    ),
  );
