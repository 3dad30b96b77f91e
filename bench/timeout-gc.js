// @ts-check
/**
 * Does the timeout path's optimised code survive an idle pause, and a garbage collection, with no
 * call alive? On a warm process, for breakwater (`timeout` option) and T2 in turn (the order
 * alternates every round):
 *   steady:    time 20,000 calls;
 *   idle:      wait until every deadline bucket has fired (traffic paused for longer than the
 *              timeout), then time the next 5,000 calls;             (15 rounds, no gc() at all)
 *   after gc:  wait the same, run `gc()` (untimed: nothing of the timeout path is left alive), then
 *              time the next 5,000 calls.                           (15 more rounds)
 * Both are warmed up again after each measurement. Ratios are per round: "after gc / steady" near 1
 * means the code survived, far above means V8 threw it away and the calls ran unoptimised until it
 * re-tiered; "breakwater after gc / T2 after gc" is held to the timeout target (<= 1.6x T2). A tight
 * loop of awaits never lets the event loop reach its timers, so in a batch no bucket fires: they all
 * fire in the pauses. This scenario is a fixed sequence rather than an interleaving: what it measures
 * is a sequence. Needs `--expose-gc`.
 */
import { cpuNow, report, row } from './lib/measure.js';
import { breakwater, ok } from './lib/peers.js';
import { timed } from './lib/t2.js';

const gc = /** @type {() => void} */ (globalThis.gc);
const TIMEOUT = 20;
/** Past the last deadline: the timeout plus its 10 ms grain, with room for timer lag. */
const QUIET_MS = TIMEOUT + 40;
const CALLS = 5000;
const STEADY = 20_000;
const WARM = 50_000;
const ROUNDS = 15;
const bw = breakwater({ timeout: TIMEOUT });

/** @param {number} n @returns {Promise<number>} ns per call */
async function loopBreakwater(n) {
  const start = cpuNow();
  for (let i = 0; i < n; i++) await bw.call(ok);
  return (cpuNow() - start) / n;
}
/** @param {number} n @returns {Promise<number>} ns per call */
async function loopT2(n) {
  const start = cpuNow();
  for (let i = 0; i < n; i++) await timed(ok, TIMEOUT);
  return (cpuNow() - start) / n;
}
const subjects = /** @type {const} */ ([
  ['breakwater', loopBreakwater],
  ['T2', loopT2],
]);
const quiet = () => new Promise((resolve) => setTimeout(resolve, QUIET_MS));
async function warm() {
  for (const [, loop] of subjects) await loop(WARM);
}

/** Per phase, the steady batch and the batch after the pause of the same round. */
/** @typedef {Record<'idle' | 'gc', { steady: number[], after: number[] }>} Samples */
/** @returns {Samples} */
const empty = () => ({ idle: { steady: [], after: [] }, gc: { steady: [], after: [] } });
/** @type {Record<string, Samples>} */
const samples = { breakwater: empty(), T2: empty() };
const get = (/** @type {string} */ name) => /** @type {Samples} */ (samples[name]);
for (const phase of /** @type {const} */ (['idle', 'gc'])) {
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? subjects : [...subjects].reverse();
    await warm();
    for (const [name, loop] of order) get(name)[phase].steady.push(await loop(STEADY));
    for (const [name, loop] of order) {
      await quiet();
      if (phase === 'gc') gc();
      get(name)[phase].after.push(await loop(CALLS));
      await warm();
    }
  }
}
if (bw.metrics().timeouts !== 0) throw new Error('a call timed out');

const b = get('breakwater');
const t = get('T2');
const first = `first ${CALLS.toLocaleString('en-US')} calls`;
/** The first pause of the process: what happens once (a field of Node's timers generalised). */
const firstPause = (/** @type {Samples} */ x) =>
  `first pause: ${((x.idle.after[0] ?? Number.NaN) / (x.idle.steady[0] ?? Number.NaN)).toFixed(2)}x`;
const idleScenario = `timeout call after an idle ${QUIET_MS} ms (every bucket fired), vs steady`;
const gcScenario = 'timeout call after `gc()` with nothing alive, vs steady';
report('timeout-gc', [
  row(idleScenario, 'T2 floor', t.idle.after, t.idle.steady, 'steady', {
    note: `${first}; ${firstPause(t)}`,
  }),
  row(idleScenario, 'breakwater, `timeout` option', b.idle.after, b.idle.steady, 'steady', {
    note: firstPause(b),
  }),
  row(gcScenario, 'T2 floor', t.gc.after, t.gc.steady, 'steady', { note: first }),
  row(gcScenario, 'breakwater, `timeout` option', b.gc.after, b.gc.steady, 'steady'),
  row(
    'timeout call after `gc()` with nothing alive, vs T2',
    'breakwater, `timeout` option',
    b.gc.after,
    t.gc.after,
    'T2',
    {
      target: 1.6,
      note: 'both right after a gc(): the timeout target, held after a collection',
    },
  ),
]);
