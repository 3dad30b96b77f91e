/**
 * An opossum program on breakwater: fleet-wide state through Redis and Prometheus metrics, by
 * changing its import line only (see `examples/opossum-program.ts`).
 *
 * This file is the service's bootstrap, the one place that knows about breakwater: it makes a
 * registry with a `RedisStore` and hands it to `breakwater/opossum` (`CircuitBreaker.registry`), so
 * every opossum breaker the program creates joins it, with its store and its exporters. Two
 * instances of the service run here, each with its own Redis client and store, as two processes
 * would: instance A's price service fails and its breaker opens; instance B's breaker opens with it,
 * so B serves the fallback without calling its price service at all. A's metrics are then scraped
 * in Prometheus' format. Needs Redis (`REDIS_URL`, default `redis://127.0.0.1:6379`).
 * Run: `npx tsx examples/opossum.ts`.
 */
import { CircuitBreakerRegistry } from 'breakwater';
import CircuitBreaker from 'breakwater/opossum';
import { registerMetrics } from 'breakwater/prometheus';
import { RedisStore } from 'breakwater/redis';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createPriceClient } from './opossum-program.js';
import { runIfMain } from './support/runIfMain.js';

/** What {@link main} saw, for its test. */
export interface OpossumOutcome {
  /** Whether instance A's breaker opened after its failures. */
  openedOnA: boolean;
  /** Whether instance B's breaker was open before B made any call. */
  openOnB: boolean;
  /** What B's call returned (the fallback's -1) and how often B's price service was called. */
  servedByB: number;
  callsOnB: number;
  /** What B's listeners heard (the fleet's open among them). */
  eventsOnB: string[];
  /** A's opossum stats after its calls. */
  statsOnA: { fires: number; failures: number };
  /** A's metrics, as Prometheus scrapes them. */
  metrics: string;
}

/** Polls `condition` every 10 ms for up to 2 s (propagation takes about a millisecond). */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition() && waited < 2000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Two instances run the opossum program on one Redis; see the file's comment. */
export async function main(
  redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
): Promise<OpossumOutcome> {
  const namespace = `example-opossum-${process.pid}-${Date.now()}`;
  const clients = [new Redis(redisUrl), new Redis(redisUrl)];
  const stores = clients.map(
    (client, i) => new RedisStore({ client, namespace, instanceId: `instance-${i}` }),
  );
  const registries = stores.map((store) => new CircuitBreakerRegistry({ store }));
  const register = new Registry();
  registerMetrics(registries[0] as CircuitBreakerRegistry, { register });
  const saved = CircuitBreaker.registry;
  let callsOnB = 0;
  try {
    CircuitBreaker.registry = registries[0];
    const a = createPriceClient(() => Promise.reject(new Error('ECONNREFUSED')));
    CircuitBreaker.registry = registries[1];
    const b = createPriceClient(async () => {
      callsOnB++;
      return 42;
    });
    for (let i = 0; i < 4; i++) await a.price(`sku-${i}`); // each failure gets the fallback; the 4th opens
    const openedOnA = a.breaker.opened;
    await until(() => b.breaker.opened);
    const openOnB = b.breaker.opened;
    const servedByB = await b.price('sku-1');
    const { fires, failures } = a.breaker.stats;
    const metrics = await register.metrics();
    a.breaker.shutdown();
    b.breaker.shutdown();
    return {
      openedOnA,
      openOnB,
      servedByB,
      callsOnB,
      eventsOnB: b.events,
      statsOnA: { fires, failures },
      metrics,
    };
  } finally {
    CircuitBreaker.registry = saved;
    for (const registry of registries) registry.close();
    await Promise.all(stores.map((store) => store.close()));
    for (const client of clients) client.disconnect();
  }
}

runIfMain(import.meta.url, main);
