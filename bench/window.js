// @ts-check
/**
 * Failure cost against the number of calls in the window (100 / 10,000 / 100,000). Each run builds a
 * fresh breaker, fills its window with successes (untimed) and times a batch of failures, half the
 * window at most so that breakwater's failure rate stays below its threshold of 1.
 * opossum's window is time-based (10 s), so it holds the prefill plus the timed failures.
 */

import { report, row } from './lib/measure.js';
import { breakwater, fail, ok, opossum } from './lib/peers.js';
import { median } from './lib/stats.js';

const SIZES = [100, 10_000, 100_000];
const RUNS = 10;
const gc = /** @type {() => void} */ (globalThis.gc);

/**
 * The floor, timed the way breakwater's runs are: batches of bare rejected awaits, each followed by
 * an untimed refill of as many bare successful awaits, so both sides pay the same batching.
 * @param {number} size
 */
async function floor(size) {
  const batch = Math.min(size / 2, 1000);
  let total = 0n;
  gc();
  for (let timed = 0; timed < 4000; timed += batch) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) {
      try {
        await fail();
      } catch {}
    }
    total += process.hrtime.bigint() - start;
    for (let i = 0; i < batch; i++) await ok();
  }
  return Number(total) / 4000;
}

/** @type {Map<number, import('../dist/index.js').CircuitBreaker>} */
const filled = new Map();

/**
 * One breaker per size, its count window kept full: each cycle times `batch` failures, then refills
 * with as many successes (untimed), so the window always holds `size` calls, at most half failures.
 * @param {number} size
 */
async function breakwaterRun(size) {
  let bw = filled.get(size);
  if (bw === undefined) {
    bw = breakwater({
      failureThreshold: false,
      failureRateThreshold: 1,
      minimumCalls: size,
      window: { type: 'count', size },
    });
    for (let i = 0; i < size; i++) await bw.call(ok);
    filled.set(size, bw);
  }
  const batch = Math.min(size / 2, 1000);
  let total = 0n;
  gc();
  for (let timed = 0; timed < 4000; timed += batch) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) {
      try {
        await bw.call(fail);
      } catch {}
    }
    total += process.hrtime.bigint() - start;
    for (let i = 0; i < batch; i++) await bw.call(ok);
  }
  if (bw.state !== 'closed' || bw.metrics().windowCalls !== size) throw new Error('unexpected window');
  return Number(total) / 4000;
}

/** @param {number} size */
async function opossumRun(size) {
  const batch = size >= 100_000 ? 5 : size >= 10_000 ? 20 : 50;
  // A fresh breaker per run (its window is time-based): `size` successes, then the timed failures.
  let failing = false;
  const both = opossum(() => (failing ? fail() : ok()), { errorThresholdPercentage: 100 });
  for (let i = 0; i < size; i++) await both.fire();
  failing = true;
  gc();
  const start = process.hrtime.bigint();
  for (let i = 0; i < batch; i++) {
    try {
      await both.fire();
    } catch {}
  }
  const ns = Number(process.hrtime.bigint() - start) / batch;
  both.shutdown();
  return ns;
}

/** @type {unknown[]} */
const rows = [];
for (const size of SIZES) {
  /** @type {number[]} */ const floors = [];
  /** @type {number[]} */ const bws = [];
  /** @type {number[]} */ const ops = [];
  for (let run = 0; run < RUNS + 1; run++) {
    const order = run % 2 === 0;
    const f = await floor(size);
    const b = order ? await breakwaterRun(size) : 0;
    const o = await opossumRun(size);
    const b2 = order ? b : await breakwaterRun(size);
    if (run === 0) continue; // warm-up
    floors.push(f);
    bws.push(b2);
    ops.push(o);
  }
  const label = `failure, ${size.toLocaleString('en-US')} in window`;
  const floorName = 'bare `await fail()`';
  rows.push(row(label, 'floor', floors, floors, floorName));
  rows.push(row(label, 'breakwater', bws, floors, floorName, { target: 1.5 }));
  rows.push(row(label, 'opossum', ops, floors, floorName));
  console.error(
    `${label}: floor ${median(floors).toFixed(0)} ns, breakwater ${median(bws).toFixed(0)} ns, opossum ${median(ops).toFixed(0)} ns`,
  );
}
report('window', rows);
