// @ts-check
/**
 * The hot path with a `RedisStore` (DESIGN section 7, Redis mode: <= 1.1x memory mode): a closed
 * breaker's successful call, interleaved, one loop per variant:
 *  - memory, the default window (a count window of 100);
 *  - memory, the time window a store defaults to (`{ type: 'time', duration: 60_000, buckets: 10 }`),
 *    which reads the clock per outcome;
 *  - a `RedisStore` with default options (so that same time window), connected to a real
 *    `redis-server` on a free loopback port.
 * The store's ratio to the first is the target (what a user pays for turning the store on); its
 * ratio to the second isolates the store itself (its `record()`), the difference being the window.
 *
 * Every variant turns the event loop once per chunk of 1000 calls (the harness's loops run on
 * microtasks only, so without it no timer or socket callback would run while a group is measured):
 * the store then ticks, flushes and reads its replies during the measurement, as in a real process.
 * Each chunk times its own loop (CPU time), not the turn: an idle turn costs 3-15 µs of CPU here,
 * 3-15% of a chunk, the same for every variant, and would only blur the ratios. What the store does
 * in the background is its Redis load (bench/redis-load.js), not the hot path.
 */
import { Redis } from 'ioredis';
import { CHUNK, cpuNow, interleave, pendingRow, report, row } from './lib/measure.js';
import { breakwater, ok } from './lib/peers.js';
import { NO_REDIS, poll, redisAvailable, startRedis } from './lib/redis-server.js';

const SCENARIO = 'Redis store: hot path, closed success';
/** Chunks of calls each variant runs before calibration. */
const WARM_CHUNKS = 100;
const TIME_WINDOW = /** @type {const} */ ({ type: 'time', duration: 60_000, buckets: 10 });

if (!redisAvailable()) {
  report('redis-hotpath', [pendingRow(`${SCENARIO}, vs memory mode`, 'x', NO_REDIS, 1.1)]);
} else {
  const { RedisStore } = await import('./lib/redis-store.js');
  const server = await startRedis();
  const client = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
  const store = new RedisStore({ client, namespace: `bench-hot-${process.pid}` });
  try {
    const memory = breakwater();
    const memoryTime = breakwater({ window: TIME_WINDOW });
    const shared = breakwater({ name: 'hot', store });
    if (shared.options.window.type !== 'time' || shared.options.window.duration !== 60_000)
      throw new Error(
        `Expected the store's default time window, got ${JSON.stringify(shared.options.window)}`,
      );
    // Connected, bound and its presence written: the steady state from the first batch.
    await poll(async () => {
      await store.flush();
      return store.stats().reports > 0;
    }, 'the RedisStore to reach redis-server');
    const before = store.stats();

    /** One turn of the event loop, untimed: the store's timer and socket callbacks run here. */
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    /** @type {import('./lib/measure.js').Variant[]} */
    const variants = [
      {
        name: 'memory',
        run: async (n) => {
          await turn();
          const start = cpuNow();
          for (let i = 0; i < n; i++) await memory.call(ok);
          return cpuNow() - start;
        },
      },
      {
        name: 'memoryTime',
        run: async (n) => {
          await turn();
          const start = cpuNow();
          for (let i = 0; i < n; i++) await memoryTime.call(ok);
          return cpuNow() - start;
        },
      },
      {
        name: 'redis',
        run: async (n) => {
          await turn();
          const start = cpuNow();
          for (let i = 0; i < n; i++) await shared.call(ok);
          return cpuNow() - start;
        },
      },
    ];
    // Warm every loop up first, so that calibration sizes batches on optimised code.
    for (const variant of variants) for (let i = 0; i < WARM_CHUNKS; i++) await variant.run(CHUNK);
    const s = await interleave(variants);
    await store.flush();
    const after = store.stats();
    const calls = shared.metrics().successfulCalls;
    const reports = after.reports - before.reports;
    if (calls === 0 || shared.state !== 'closed') throw new Error('the shared breaker did not run');
    if (after.errors > 0) throw new Error(`the store failed ${after.errors} times during the measurement`);

    const base = s.memory ?? [];
    const time = s.memoryTime ?? [];
    const yieldNote = `each variant turns the event loop (untimed) once per ${CHUNK} calls`;
    report('redis-hotpath', [
      row(SCENARIO, 'memory, default count window', base, base, 'memory default', { note: yieldNote }),
      row(SCENARIO, 'memory, time window 60 s / 10', time, base, 'memory default', {
        note: 'the window a store defaults to: a clock read per outcome',
      }),
      row(SCENARIO, 'RedisStore (default options)', s.redis ?? [], base, 'memory default', {
        target: 1.1,
        also: { floor: time, name: 'memory with the same time window (the store alone)' },
        note:
          `vs memory default: what turning the store on costs (store + time window); ` +
          `flushes during the run: ${reports} (background work between chunks, not timed)`,
      }),
    ]);
  } finally {
    await store.close();
    client.disconnect();
    await server.stop();
  }
}
