// @ts-check
/**
 * Open propagation (DESIGN section 7, Redis mode: an open on one instance seen by every other within
 * 10 ms p99 on loopback). Three instances, each its own process with its own `RedisStore` (default
 * options) on one namespace of a `redis-server` on a free loopback port, share the breaker `dep`.
 * Each trip: one instance (in turn) calls `breaker.open()`, stamping the time just before the call;
 * every other instance stamps its `stateChange` to `open` as it happens. The lag is the difference,
 * in the machine's time (`performance.timeOrigin + performance.now()` in each process). Then the
 * tripping instance calls `reset()` and the next trip starts once every instance reads `closed`.
 */
import { allIn, startFleet } from './lib/fleet.js';
import { pendingRow, report, valueRow } from './lib/measure.js';
import { NO_REDIS, redisAvailable, startRedis } from './lib/redis-server.js';
import { fmt, quantile } from './lib/stats.js';

const INSTANCES = 3;
const TRIPS = Number(process.env.BENCH_TRIPS ?? 240);
/** Trips before the measured ones: the members' code is still cold (the first trip reads 5-10 ms). */
const WARM_TRIPS = 12;
const SCENARIO = `Redis store: open propagation, ${INSTANCES} instances`;

if (!redisAvailable()) {
  report('redis-propagation', [
    pendingRow(`${SCENARIO}, p99 until every other instance reads open`, 'ms', NO_REDIS, 10),
  ]);
} else {
  const server = await startRedis();
  /** @type {import('./lib/fleet.js').Member[]} */
  let members = [];
  try {
    members = await startFleet(INSTANCES, { port: server.port, namespace: `bench-prop-${process.pid}` });
    /** @type {number[]} Lag of each other instance, per trip (ms). */
    const lags = [];
    /** @type {number[]} Lag of the last other instance to read open, per trip (ms). */
    const slowest = [];
    /** @type {number[]} */
    const warm = [];
    for (let trip = -WARM_TRIPS; trip < TRIPS; trip++) {
      const tripper = /** @type {import('./lib/fleet.js').Member} */ (
        members[(trip + WARM_TRIPS) % INSTANCES]
      );
      const others = members.filter((m) => m !== tripper);
      let since = members.map((m) => m.messages.length);
      tripper.send({ cmd: 'open' });
      const [tripped, opened] = await Promise.all([
        tripper.next((m) => m.ev === 'tripped', 'tripped', since[members.indexOf(tripper)]),
        allIn(
          others,
          'open',
          others.map((m) => since[members.indexOf(m)] ?? 0),
        ),
      ]);
      const at = /** @type {number} */ (tripped.at);
      const each = opened.map((m) => /** @type {number} */ (m.at) - at);
      if (opened.some((m) => m.reason !== 'remote'))
        throw new Error(`an instance opened for ${opened.map((m) => m.reason)}, not the remote open`);
      if (process.env.BENCH_DEBUG) console.error(trip, each.map((x) => x.toFixed(2)).join(' '));
      if (trip < 0) warm.push(Math.max(...each));
      else {
        lags.push(...each);
        slowest.push(Math.max(...each));
      }
      since = members.map((m) => m.messages.length);
      tripper.send({ cmd: 'reset' });
      await allIn(members, 'closed', since);
    }
    const p = (/** @type {number[]} */ xs, /** @type {number} */ q) => quantile(xs, q);
    const trips = `${TRIPS} trips (after ${WARM_TRIPS} warm-up trips; the first read ${fmt(warm[0] ?? Number.NaN)} ms), ${lags.length} lags`;
    report('redis-propagation', [
      valueRow(`${SCENARIO}, p50 per instance`, 'breakwater', p(lags, 0.5), 'ms', {
        note: `${trips}; manual open() on one, stateChange on each other; default options`,
      }),
      valueRow(`${SCENARIO}, p99 per instance`, 'breakwater', p(lags, 0.99), 'ms', {
        note: `max ${fmt(Math.max(...lags))} ms`,
      }),
      valueRow(
        `${SCENARIO}, p99 until every other instance reads open`,
        'breakwater',
        p(slowest, 0.99),
        'ms',
        {
          target: 10,
          note: `p50 ${fmt(p(slowest, 0.5))} ms, max ${fmt(Math.max(...slowest))} ms (the slower of the two others, per trip)`,
        },
      ),
    ]);
  } finally {
    await Promise.all(members.map((m) => m.exit()));
    await server.stop();
  }
}
