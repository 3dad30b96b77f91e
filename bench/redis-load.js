// @ts-check
/**
 * Redis load (DESIGN section 7, Redis mode: bounded and reported): the commands one instance sends
 * with 10, 100 and 1000 active breakers, each called once every 10 ms, all successful or with a
 * failing mix (every 5th call of every breaker fails, so that none trips: the default rule needs 5
 * in a row). One instance is this process, with one `RedisStore` (default options) on a
 * `redis-server` on a free loopback port. Counted by the store (`store.stats()`: commands, of which
 * flush, transition and lease scripts) and by Redis (`INFO commandstats`: the scripts it ran, and
 * every command it executed, those the scripts call included; `INFO cpu`: its CPU time), over a
 * window of steady traffic that is a whole number of the store's 250 ms ticks.
 *
 * In the successful mix the breakers join the traffic in turn over one success flush period
 * (`syncInterval`, 2 s, rounded up to the tick: 2.25 s), as they would in a service: in lock step
 * they would all flush on the same tick. A window of one period then counts each breaker's flush
 * once, wherever its edges fall.
 */
import { Redis } from 'ioredis';
import { pendingRow, report, valueRow } from './lib/measure.js';
import { breakwater } from './lib/peers.js';
import { commandCalls, cpuSeconds, NO_REDIS, poll, redisAvailable, startRedis } from './lib/redis-server.js';
import { RedisStore } from './lib/redis-store.js';
import { fmt } from './lib/stats.js';

const COUNTS = [10, 100, 1000];
const MIXES = /** @type {const} */ (['successful', 'failing']);
/** Ms between two rounds of calls (every breaker once per round). */
const ROUND = 10;
/** One success flush period: `syncInterval` (2 s) rounded up to the store's 250 ms tick. */
const PERIOD = 2_250;
/** Ms over which the breakers join the traffic, and then ms measured (whole ticks). */
const STAGGER = { successful: PERIOD, failing: 0 };
const WINDOW = { successful: PERIOD, failing: 2_000 };
const FAILURE = new Error('failing mix');
const scenario = (/** @type {number} */ n, /** @type {string} */ mix) =>
  `Redis load: commands/s per instance, ${n} breakers each called every 10 ms, ${mix === 'failing' ? 'every 5th call failing' : 'all successful'}`;

if (!redisAvailable()) {
  report(
    'redis-load',
    MIXES.flatMap((mix) => COUNTS.map((n) => pendingRow(scenario(n, mix), 'commands/s', NO_REDIS))),
  );
} else {
  const server = await startRedis();
  const admin = new Redis({ port: server.port, host: '127.0.0.1' });
  /** @type {import('./lib/measure.js').Row[]} */
  const rows = [];
  try {
    for (const mix of MIXES) for (const n of COUNTS) rows.push(await measure(server.port, admin, n, mix));
  } finally {
    admin.disconnect();
    await server.stop();
  }
  report('redis-load', rows);
}

/**
 * One instance with `n` breakers under one mix, in a namespace of its own.
 * @param {number} port
 * @param {Redis} admin - A client of our own for `INFO` (its own `info` calls are not counted).
 * @param {number} n
 * @param {(typeof MIXES)[number]} mix
 * @returns {Promise<import('./lib/measure.js').Row>}
 */
async function measure(port, admin, n, mix) {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  const store = new RedisStore({ client, namespace: `bench-load-${process.pid}-${mix}-${n}` });
  const breakers = Array.from({ length: n }, (_, i) => breakwater({ name: `dependency-${i}`, store }));
  /** Calls made per breaker (every 5th fails in the failing mix). */
  const made = new Uint32Array(n);
  const ok = async () => 1;
  const fail = async () => {
    throw FAILURE;
  };
  const noop = () => {};
  let calls = 0;
  let active = 0;
  let started = 0;
  const round = () => {
    const joined = STAGGER[mix] === 0 ? n : (n * (performance.now() - started + ROUND)) / STAGGER[mix];
    active = Math.min(n, Math.ceil(joined));
    for (let i = 0; i < active; i++) {
      const count = made[i]++;
      const fn = mix === 'failing' && count % 5 === 4 ? fail : ok;
      /** @type {import('../dist/index.js').CircuitBreaker} */ (breakers[i]).call(fn).catch(noop);
    }
    calls += active;
  };
  try {
    await poll(async () => {
      await store.flush();
      return store.stats().reports >= n;
    }, `${n} breakers bound to the RedisStore`);
    started = performance.now();
    const timer = setInterval(round, ROUND);
    try {
      await poll(() => active === n && performance.now() - started >= STAGGER[mix] + 500, 'the steady state');
      const s0 = store.stats();
      const r0 = commandCalls(await admin.info('commandstats'));
      const cpu0 = cpuSeconds(await admin.info('cpu'));
      const c0 = calls;
      const t0 = performance.now();
      await poll(() => performance.now() - t0 >= WINDOW[mix], `the end of the ${WINDOW[mix]} ms window`);
      const seconds = (performance.now() - t0) / 1000;
      const s1 = store.stats();
      if (process.env.BENCH_DEBUG) console.error(n, mix, 'flushes in the window', s1.reports - s0.reports);
      const r1 = commandCalls(await admin.info('commandstats'));
      const cpu1 = cpuSeconds(await admin.info('cpu'));
      const callRate = (calls - c0) / seconds;
      const per = (/** @type {number} */ a, /** @type {number} */ b) => (a - b) / seconds;
      const redisScripts = per((r1.evalsha ?? 0) + (r1.eval ?? 0), (r0.evalsha ?? 0) + (r0.eval ?? 0));
      const sum = (/** @type {Record<string, number>} */ r) =>
        Object.entries(r).reduce((total, [name, value]) => (name === 'info' ? total : total + value), 0);
      const redisAll = per(sum(r1), sum(r0));
      if (breakers.some((b) => b.state !== 'closed')) throw new Error('a breaker tripped during the load');
      if (s1.errors > s0.errors) throw new Error(`the store failed ${s1.errors - s0.errors} times`);
      return valueRow(scenario(n, mix), 'breakwater', per(s1.commands, s0.commands), 'commands/s', {
        note:
          `${fmt(per(s1.reports, s0.reports))} flushes/s, ${fmt(per(s1.transitions, s0.transitions))} transitions/s, ` +
          `${fmt(per(s1.leases, s0.leases))} leases/s for ${fmt(callRate)} calls/s; ` +
          `Redis ran ${fmt(redisScripts)} scripts/s, ${fmt(redisAll)} commands/s counting those inside scripts, ` +
          `and used ${fmt((100 * (cpu1 - cpu0)) / seconds)}% of a core`,
      });
    } finally {
      clearInterval(timer);
    }
  } finally {
    for (const b of breakers) b.dispose();
    await store.close();
    client.disconnect();
  }
}
