import type { CircuitBreaker } from '../../index.js';

/** What a demo instance tells the parent, one JSON line each. */
export type MemberEvent =
  | { ev: 'ready' }
  | { ev: 'state'; from: string; to: string; reason: string }
  | { ev: 'trial' }
  | { ev: 'tick'; passed: number; failed: number; rejected: number }
  | { ev: 'storeError'; message: string }
  | { ev: 'done'; calls: number; passed: number; failed: number; rejected: number; fallbacks: number };

/** The environment a demo instance is started with (it runs the same CLI entry as its parent). */
export const MEMBER_ENV = 'BREAKWATER_DEMO_MEMBER';

/**
 * Runs one instance of `breakwater demo --instances N`: a breaker named `price-api` shared through a
 * RedisStore, steady traffic to the parent's flaky service, and a JSON line on stdout for every
 * transition, trial and tick. Stops when the parent closes stdin.
 * @param settings - From the parent: the service URL, Redis URL, namespace, speed, this instance's id.
 * @returns The exit code (0).
 */
export async function runFleetMember(settings: {
  url: string;
  redis: string;
  namespace: string;
  speed: number;
  id: string;
}): Promise<number> {
  const say = (event: MemberEvent) => process.stdout.write(`${JSON.stringify(event)}\n`);
  const { Redis } = (await import('ioredis')) as unknown as {
    Redis: new (
      url: string,
      options: object,
    ) => { disconnect(): void; on(event: string, fn: () => void): void };
  };
  const { CircuitBreaker } = await import('../../index.js');
  const { RedisStore } = await import('../../redis/RedisStore.js');
  const { STORY } = await import('./story.js');
  const real = (storyMs: number) => storyMs / settings.speed;
  const client = new Redis(settings.redis, { lazyConnect: true });
  client.on('error', () => {});
  const store = new RedisStore({
    client,
    namespace: settings.namespace,
    instanceId: settings.id,
    flushInterval: 50,
    syncInterval: 500,
  });
  const breaker: CircuitBreaker = new CircuitBreaker({
    name: 'price-api',
    store,
    failureThreshold: STORY.breaker.failureThreshold,
    resetTimeout: real(STORY.breaker.resetTimeout),
    timeout: real(STORY.breaker.timeout),
    fallback: () => ({ price: 41, source: 'cache' }),
  });
  const totals = { calls: 0, passed: 0, failed: 0, rejected: 0, fallbacks: 0 };
  let tick = { passed: 0, failed: 0, rejected: 0 };
  breaker.on('stateChange', ({ from, to, reason }) => say({ ev: 'state', from, to, reason }));
  breaker.on('success', () => {
    totals.passed++;
    tick.passed++;
  });
  breaker.on('failure', () => {
    totals.failed++;
    tick.failed++;
  });
  breaker.on('rejected', () => {
    totals.rejected++;
    tick.rejected++;
  });
  breaker.on('fallback', () => totals.fallbacks++);
  let reported = false;
  breaker.on('storeError', ({ error }) => {
    if (!reported) say({ ev: 'storeError', message: error instanceof Error ? error.message : String(error) });
    reported = true;
  });
  const inFlight = new Set<Promise<unknown>>();
  const traffic = setInterval(() => {
    totals.calls++;
    const call = breaker
      .call(async ({ signal }) => {
        if (breaker.state === 'half_open') say({ ev: 'trial' });
        const response = await fetch(settings.url, { signal });
        await response.text();
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return { price: 42, source: 'service' };
      })
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
  }, real(STORY.requestInterval));
  const ticks = setInterval(() => {
    say({ ev: 'tick', ...tick });
    tick = { passed: 0, failed: 0, rejected: 0 };
  }, real(STORY.tickInterval));
  say({ ev: 'ready' });
  await new Promise<void>((resolve) => {
    process.stdin.on('end', resolve).on('close', resolve).resume();
  });
  clearInterval(traffic);
  clearInterval(ticks);
  await Promise.allSettled(inFlight);
  breaker.dispose();
  await store.close();
  client.disconnect();
  say({ ev: 'done', ...totals });
  return 0;
}
