import type { RedisStore } from '../../redis/RedisStore.js';
import type { FleetArgs } from './fleetArgs.js';

/** A connection to a fleet's store for one CLI command: its admin interface, and how to let go. */
export interface Fleet {
  readonly store: RedisStore;
  close(): Promise<void>;
}

/** Thrown when the CLI cannot do its job for a reason outside the command line (exit code 1). */
export class FleetError extends Error {
  override readonly name = 'FleetError';
}

/**
 * Connects to the fleet's Redis with ioredis (imported only now: it is an optional peer).
 * @throws {@link FleetError} when ioredis is not installed.
 */
export async function openFleet(args: Pick<FleetArgs, 'redis' | 'namespace'>): Promise<Fleet> {
  let ioredis: {
    Redis: new (
      url: string,
      options: object,
    ) => { disconnect(): void; on(event: string, fn: () => void): void };
  };
  try {
    ioredis = (await import('ioredis')) as unknown as typeof ioredis;
  } catch {
    throw new FleetError(
      'the fleet commands need the `ioredis` package next to breakwater: npm install ioredis',
    );
  }
  const { RedisStore } = await import('../../redis/RedisStore.js');
  const client = new ioredis.Redis(args.redis, { lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  const store = new RedisStore({ client, namespace: args.namespace, commandTimeout: 2_000 });
  return {
    store,
    async close() {
      await store.close();
      client.disconnect();
    },
  };
}
