import { Redis } from 'ioredis';
import { systemClock } from '../../src/index.js';
import { RedisStore, type RedisStoreOptions } from '../../src/redis/index.js';
import type { FleetHarness, HarnessOptions } from '../../src/store/contract/FleetHarness.js';
import { waitFor } from './redisServer.js';

let fleets = 0;

/**
 * A fleet of {@link RedisStore}s on one Redis: each `instance()` is a new client and store (as a new
 * process would have), all in one fresh namespace. Real time; waits poll with generous deadlines.
 */
export function redisFleet(
  port: number | (() => object),
  options: HarnessOptions & Partial<Omit<RedisStoreOptions, 'client'>> = {},
): Omit<FleetHarness, 'instance' | 'admin'> & {
  instance(): RedisStore;
  admin: RedisStore;
  stores: RedisStore[];
  clients: { disconnect(): void }[];
  namespace: string;
} {
  const namespace = `t${process.pid}-${++fleets}`;
  const stores: RedisStore[] = [];
  const clients: { disconnect(): void }[] = [];
  const make = (): RedisStore => {
    const client =
      typeof port === 'number' ? new Redis({ port, host: '127.0.0.1', lazyConnect: true }) : port();
    clients.push(client as Redis);
    const store = new RedisStore({
      client,
      namespace,
      flushInterval: 50,
      syncInterval: 500,
      ...options,
      instanceId: `instance-${stores.length + 1}`,
    });
    stores.push(store);
    return store;
  };
  const admin = make();
  return {
    namespace,
    stores,
    clients,
    clock: systemClock,
    admin,
    instance: make,
    until: (condition, what) => waitFor(condition, what, 10_000),
    async sync() {
      // Twice: the second round's answers carry what the first round changed.
      for (let round = 0; round < 2; round++) await Promise.all(stores.map((store) => store.flush()));
    },
    async close() {
      await Promise.all(stores.map((store) => store.close()));
      for (const client of clients) client.disconnect();
    },
  };
}
