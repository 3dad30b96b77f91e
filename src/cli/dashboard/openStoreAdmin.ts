import type { StoreAdmin } from '../../index.js';
import { FleetError, openFleet } from '../fleet/openFleet.js';
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
 * The factory `breakwater dashboard` uses: a `RedisStore` on an ioredis client of `redisUrl`, opened
 * as the fleet commands open theirs.
 * @throws {@link UsageError} when ioredis is not installed.
 */
export const openStoreAdmin: OpenStoreAdmin = async (redisUrl, namespace) => {
  try {
    const fleet = await openFleet({ redis: redisUrl, namespace });
    return { admin: fleet.store, close: () => fleet.close() };
  } catch (error) {
    if (error instanceof FleetError) throw new UsageError(`dashboard: ${error.message}`);
    throw error;
  }
};
