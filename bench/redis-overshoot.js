// @ts-check
/**
 * Overshoot: what still reaches a failing dependency while the fleet learns that it fails (the lag of
 * a flush interval). Three instances, each its own process with its own `RedisStore` on one
 * namespace, share the breaker `dep` and call it at a steady rate. The dependency is in-process in
 * each instance and answers at once; from a time `t0` set by the parent (in the machine's time, the
 * same for every process) it fails every call. Each instance logs when each call reached it and
 * whether it failed. From the logs of all three, in time order, the fleet-wide rule is crossed by
 * one call (the 5th consecutive failure, or the call that brings the failure rate to the threshold
 * once the fleet made `minimumCalls` calls); the overshoot is the calls that reached the dependency
 * after that one, until every instance's breaker read `open`. For comparison, the same logs give
 * what the three would have sent with no store, each on its own rule.
 *
 * Each setting runs in a fleet of its own: the default rule at 20 and 200 calls/s per instance and a
 * rate rule at 20 calls/s, each with the default `flushInterval` (250 ms) and a shorter one (50 ms).
 * A trial starts with `LEAD` ms of successful calls and ends with a `reset()`; the next starts once
 * every instance reads `closed` (a fresh window, locally and in Redis).
 */
import { allIn, startFleet, wall } from './lib/fleet.js';
import { pendingRow, report, valueRow } from './lib/measure.js';
import { failuresAlone, overshoot } from './lib/overshoot.js';
import { NO_REDIS, redisAvailable, startRedis } from './lib/redis-server.js';
import { fmt, median } from './lib/stats.js';

const INSTANCES = 3;
const TRIALS = Number(process.env.BENCH_TRIALS ?? 8);
const FLUSH_INTERVALS = [250, 50];
/** Ms of successful traffic before `t0` in every trial. */
const LEAD = 300;
/**
 * @type {{ label: string, rate: number, breaker: object,
 *   rule: import('./lib/overshoot.js').Rule }[]}
 */
const SETTINGS = [
  {
    label: 'failureThreshold 5 (default)',
    rate: 20,
    breaker: {},
    rule: { failureThreshold: 5, minimumCalls: 1 },
  },
  {
    label: 'failureThreshold 5 (default)',
    rate: 200,
    breaker: {},
    rule: { failureThreshold: 5, minimumCalls: 1 },
  },
  {
    label: 'failureRateThreshold 0.5, minimumCalls 20',
    rate: 20,
    breaker: { failureRateThreshold: 0.5, minimumCalls: 20 },
    rule: { failureRateThreshold: 0.5, minimumCalls: 20 },
  },
];
const scenario = (/** @type {(typeof SETTINGS)[number]} */ s) =>
  `Redis store: overshoot, calls after the fleet crossed ${s.label}, ${INSTANCES} instances at ${s.rate} calls/s`;
const variant = (/** @type {number} */ flush) => `flushInterval ${flush} ms`;

if (!redisAvailable()) {
  report(
    'redis-overshoot',
    SETTINGS.flatMap((s) =>
      FLUSH_INTERVALS.map((flush) => ({
        ...pendingRow(scenario(s), 'calls', NO_REDIS),
        variant: variant(flush),
      })),
    ),
  );
} else {
  const server = await startRedis();
  /** @type {import('./lib/measure.js').Row[]} */
  const rows = [];
  try {
    for (const setting of SETTINGS)
      for (const flushInterval of FLUSH_INTERVALS)
        rows.push(await measure(server.port, setting, flushInterval));
  } finally {
    await server.stop();
  }
  report('redis-overshoot', rows);
}

/**
 * The trials of one setting, in a fleet of its own (its own namespace).
 * @param {number} port
 * @param {(typeof SETTINGS)[number]} setting
 * @param {number} flushInterval
 * @returns {Promise<import('./lib/measure.js').Row>}
 */
async function measure(port, setting, flushInterval) {
  const members = await startFleet(INSTANCES, {
    port,
    namespace: `bench-over-${process.pid}-${setting.rate}-${flushInterval}-${setting.rule.minimumCalls}`,
    store: { flushInterval },
    breaker: setting.breaker,
  });
  try {
    const interval = 1000 / setting.rate;
    for (const [i, member] of members.entries())
      member.send({ cmd: 'traffic', interval, offset: (i * interval) / INSTANCES }); // out of step
    /** @type {ReturnType<typeof overshoot>[]} */
    const trials = [];
    /** @type {number[]} */
    const alone = [];
    let localTrips = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      let since = members.map((m) => m.messages.length);
      const t0 = wall() + LEAD;
      for (const member of members) member.send({ cmd: 'failFrom', t0 });
      const opened = await allIn(members, 'open', since);
      localTrips += opened.filter((m) => m.reason !== 'remote').length;
      for (const member of members) member.send({ cmd: 'collect' });
      const logs = (
        await Promise.all(members.map((m, i) => m.next((x) => x.ev === 'calls', 'its log', since[i])))
      ).map((m) => m.log ?? { at: [], failed: [] });
      trials.push(
        overshoot(
          logs,
          opened.map((m) => /** @type {number} */ (m.at)),
          setting.rule,
        ),
      );
      alone.push(logs.reduce((sum, log) => sum + failuresAlone(log, setting.rule), 0));
      since = members.map((m) => m.messages.length);
      for (const member of members) member.send({ cmd: 'recover' });
      members[trial % INSTANCES]?.send({ cmd: 'reset' });
      await allIn(members, 'closed', since);
    }
    const after = trials.map((t) => t.after);
    const failures = trials.map((t) => t.failures);
    const lag = trials.map((t) => t.allOpenAfter);
    return valueRow(scenario(setting), variant(flushInterval), median(after), 'calls', {
      note:
        `median of ${TRIALS} trials (max ${Math.max(...after)}); every instance read open ${fmt(median(lag))} ms after the crossing; ` +
        `${fmt(median(failures))} failed calls in all (max ${Math.max(...failures)}), ` +
        `${fmt(median(alone))} without a store; ${localTrips} of ${TRIALS * INSTANCES} opens were the instance's own trip`,
    });
  } finally {
    await Promise.all(members.map((m) => m.exit()));
  }
}
