/**
 * A service that shares its breakers through Redis, and stops cleanly on SIGTERM or SIGINT.
 *
 * Three things hold a connection open, and each has its owner: the registry's breakers hold store
 * bindings (`registry.close()` releases them), the store holds its own two connections
 * (`store.close()` flushes what is pending and closes them), and you hold the client you created (the
 * store never closes it: `client.quit()`). Skip the last and the process never exits by itself.
 * Needs Redis (`REDIS_URL`, default `redis://127.0.0.1:6379`). Run: `npx tsx examples/redis-shutdown.ts`,
 * then press Ctrl-C.
 */
import { once } from 'node:events';
import { CircuitBreakerRegistry } from 'breakwater';
import { RedisStore } from 'breakwater/redis';
import { Redis } from 'ioredis';
import { runIfMain } from './support/runIfMain.js';

/** What {@link main} did before it stopped. */
export interface ShutdownOutcome {
  /** Calls made through the shared breaker. */
  calls: number;
  /** The signal that stopped it. */
  stoppedBy: string;
}

/**
 * Serves calls through a breaker shared in Redis until a signal arrives, then shuts down in order.
 * @param redisUrl - Where Redis is.
 * @param namespace - The store's namespace (a test gives its own).
 * @returns Once everything is closed: nothing is left to keep the process alive.
 */
export async function main(
  redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  namespace = 'breakwater',
): Promise<ShutdownOutcome> {
  const client = new Redis(redisUrl);
  const store = new RedisStore({ client, namespace });
  const registry = new CircuitBreakerRegistry({ store });
  const inventory = registry.getOrCreate('inventory', { failureRateThreshold: 0.5, minimumCalls: 20 });

  // The service's work: here, a call every 100 ms through the shared breaker.
  let calls = 0;
  const work = setInterval(() => {
    void inventory.call(async () => ++calls).catch(() => {});
  }, 100);

  const stop = new AbortController();
  const signals = ['SIGTERM', 'SIGINT'] as const;
  const stopped = Promise.race(
    signals.map((signal) => once(process, signal, { signal: stop.signal }).then(() => signal)),
  );
  console.log('ready'); // for the example's test: the store is set up, send a signal
  const stoppedBy = await stopped;
  stop.abort(); // stop listening for the other signal

  // Shutdown, in order: stop the work, then each owner closes what it owns.
  clearInterval(work);
  registry.close(); // the breakers let go of their store bindings
  await store.close(); // flushes pending counts, gives up leases, closes the store's own connections
  await client.quit(); // the client you created: the store never closes it
  return { calls, stoppedBy };
}

runIfMain(import.meta.url, main);
