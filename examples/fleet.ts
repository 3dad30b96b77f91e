/**
 * One breaker shared by two instances of a service through Redis (`breakwater/redis`).
 *
 * Each "instance" here has its own ioredis client and its own `RedisStore`, as two processes would
 * (their `instanceId`s tell them apart). Instance A's calls fail and trip the breaker; instance B
 * sees it open without calling the dependency at all; an operator's `reset()` on B reaches A.
 * Needs Redis (`REDIS_URL`, default `redis://127.0.0.1:6379`). Run: `npx tsx examples/fleet.ts`.
 */
import { CircuitBreaker, type CircuitState } from 'breakwater';
import { RedisStore } from 'breakwater/redis';
import { Redis } from 'ioredis';
import { runIfMain } from './support/runIfMain.js';

/** What {@link main} saw, for its test. */
export interface FleetOutcome {
  /** Instance B's state after A tripped, before B made any call. */
  seenByB: CircuitState;
  /** Whether B's call was refused without reaching the dependency. */
  bFailedFast: boolean;
  /** Instance A's state after B's reset. */
  afterReset: CircuitState;
  /** The fleet's view of the breaker, from the store's admin interface. */
  instances: number;
}

/** Polls `condition` every 10 ms for up to 2 s (propagation takes about a millisecond). */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition() && waited < 2000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Two instances share the breaker `payments`; see the file's comment. */
export async function main(
  redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
): Promise<FleetOutcome> {
  const namespace = `example-${process.pid}-${Date.now()}`;
  const clients = [new Redis(redisUrl), new Redis(redisUrl)];
  const [storeA, storeB] = clients.map(
    (client, i) => new RedisStore({ client, namespace, instanceId: `instance-${i === 0 ? 'a' : 'b'}` }),
  ) as [RedisStore, RedisStore];
  const options = { name: 'payments', failureThreshold: 3, resetTimeout: 30_000 };
  const a = new CircuitBreaker({ ...options, store: storeA });
  const b = new CircuitBreaker({ ...options, store: storeB });
  try {
    const down = () => Promise.reject(new Error('ECONNREFUSED'));
    for (let i = 0; i < 3; i++) await a.call(down).catch(() => {}); // A trips: the fleet opens
    await until(() => b.state === 'open');
    const seenByB = b.state;
    let reached = false;
    const bFailedFast = await b
      .call(async () => (reached = true))
      .then(
        () => false,
        () => !reached,
      );
    const instances = (await storeB.list()).find((status) => status.name === 'payments')?.instances ?? 0;
    b.reset(); // an operator's reset on one instance applies to every instance
    await until(() => a.state === 'closed');
    return { seenByB, bFailedFast, afterReset: a.state, instances };
  } finally {
    a.dispose();
    b.dispose();
    await Promise.all([storeA.close(), storeB.close()]);
    for (const client of clients) client.disconnect();
  }
}

runIfMain(import.meta.url, main);
