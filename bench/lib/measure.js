// @ts-check
import { balancedOrders, fmt, median, ratios, spread } from './stats.js';

/**
 * A variant under test. `run(n)` performs `n` operations. When it returns (or resolves to) a number,
 * that number is the nanoseconds it timed itself (with `cpuNow()`), for variants that must leave
 * set-up out of the measurement (a window refill, a fresh peer breaker); otherwise the whole batch
 * is timed.
 *
 * Each variant's `run` is written out as its own function literal in its scenario file, never built
 * by a shared helper that takes the operation as a closure: V8 keeps type feedback per function, so
 * a call site shared by two variants goes polymorphic and slows down whoever runs second. Written-out
 * loops (rather than loops generated with `new Function`, which would also get their own feedback)
 * keep the measured code in plain sight and under the linter. The one shared site, `variant.run(n)`
 * in `timeBatch`, runs once per `CHUNK` operations, not once per operation.
 *
 * @typedef {{ name: string, run: (n: number) => unknown }} Variant
 * @typedef {{ rounds?: number, warmup?: number, batchMs?: number, n?: number }} MeasureOptions
 */

/**
 * At least this many measured rounds per process. DESIGN asks for the median of >= 15 per-round
 * ratios; `npm run bench` runs each interleaved group in several processes and pools their rounds
 * (see `pool.js`). Short batches and many rounds keep the median steady on a machine shared with
 * other work: most rounds then fall wholly inside or outside a burst of it, which slows a variant and
 * its floor alike.
 */
export const MIN_ROUNDS = 20;

/**
 * The number of measured rounds: at least `minimum`, and a whole number of passes through the
 * balanced orders of `variants` items, so that every variant runs in every position, and right after
 * every other variant, equally often.
 * @param {number} variants
 * @param {number} [minimum]
 * @returns {number}
 */
export function roundsFor(variants, minimum = MIN_ROUNDS) {
  if (!Number.isInteger(variants) || variants < 1)
    throw new RangeError(`Expected \`variants\` to be an integer >= 1, got \`${variants}\``);
  const pass = balancedOrders(variants).length;
  return Math.max(1, Math.ceil(minimum / pass)) * pass;
}

/**
 * A batch calls `run` with at most this many operations at a time. Each variant's loop function is
 * then entered again and again and runs its regular optimised code; one long call would run the
 * code V8 compiled on stack replacement (OSR) mid-loop, whose inlining differs from process to
 * process: the same variant measured 1.1x in one process and 2x in the next.
 */
export const CHUNK = 1000;

/**
 * The process's CPU time in ns (user + system, every thread: the garbage collector's helpers and
 * background compilation included). Batches are timed by it, not by the wall clock: on a machine
 * shared with other work, a batch the scheduler set aside for 50 ms would read 50 ms slower (on this
 * 2-core machine under other tests' load, the same loop's batches read 56-189 ns/op by the wall clock
 * and 55-102 ns/op in CPU time). Resolution: 1 µs.
 * @returns {number}
 */
export function cpuNow() {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/**
 * Times one batch of `n` operations, in ns (of CPU time) per operation. No `gc()` here: collecting before every
 * batch throws optimised code away and measures re-tiering instead of the steady state.
 * @param {Variant} variant
 * @param {number} n
 * @returns {Promise<number>}
 */
export async function timeBatch(variant, n) {
  let reported = 0;
  let selfTimed = true;
  const start = cpuNow();
  for (let done = 0; done < n; done += CHUNK) {
    let result = variant.run(Math.min(CHUNK, n - done));
    if (result instanceof Promise) result = await result;
    if (typeof result === 'number') reported += result;
    else selfTimed = false;
  }
  const end = cpuNow();
  return (selfTimed ? reported : end - start) / n;
}

/**
 * Picks a batch size so that one batch takes about `batchMs`.
 * @param {Variant} variant
 * @param {number} batchMs
 * @returns {Promise<number>}
 */
export async function calibrate(variant, batchMs) {
  for (let n = 16; ; n *= 4) {
    const ms = ((await timeBatch(variant, n)) * n) / 1e6;
    if (ms >= batchMs / 4 || n >= 1 << 24)
      return Math.max(1, Math.round((n * batchMs) / Math.max(ms, 0.001)));
  }
}

/**
 * Runs the variants interleaved: every round runs each once, in an order that changes every round
 * (a balanced Latin square: see `balancedOrders`), so that drift, the position in the round and what
 * ran just before hit them alike. Returns ns/op samples per variant name (warm-up rounds dropped),
 * index `i` of every list from the same round.
 * @param {Variant[]} variants
 * @param {MeasureOptions} [options] - `n` fixes the batch size (no calibration).
 * @returns {Promise<Record<string, number[]>>}
 */
export async function interleave(variants, options = {}) {
  const { warmup = 2, batchMs = 10, n } = options;
  const rounds = options.rounds ?? roundsFor(variants.length);
  const orders = balancedOrders(variants.length);
  /** @type {Map<string, number>} */
  const sizes = new Map();
  // Two passes over all the variants: the first warms every one up (code still being optimised runs
  // slower, so it would pick too small a batch), the second picks the batch sizes.
  for (let pass = 0; pass < 2; pass++)
    for (const variant of variants) sizes.set(variant.name, n ?? (await calibrate(variant, batchMs)));
  if (process.env.BENCH_DEBUG) console.error('batch sizes', Object.fromEntries(sizes));
  /** @type {Record<string, number[]>} */
  const samples = {};
  for (const variant of variants) samples[variant.name] = [];
  for (let round = -warmup; round < rounds; round++) {
    const order = /** @type {number[]} */ (orders[(round + orders.length * warmup) % orders.length]);
    for (const index of order) {
      const variant = /** @type {Variant} */ (variants[index]);
      const ns = await timeBatch(variant, /** @type {number} */ (sizes.get(variant.name)));
      if (round >= 0) /** @type {number[]} */ (samples[variant.name]).push(ns);
    }
  }
  return samples;
}

/**
 * A row of the results table. Ratio rows also carry their raw data (`samples`: the values of every
 * round, `perRound`: the per-round ratios to the floor, `alsoPerRound`: those to a second floor) so
 * that the rows of several processes can be pooled (see `pool.js`).
 * @typedef {{ scenario: string, variant: string, value: number | null, unit: string, ratio?: number,
 *   floor?: string, spread?: number, ratioMin?: number, ratioMax?: number, runs: number,
 *   target?: number, higherIsBetter?: boolean, note?: string, samples?: number[], perRound?: number[],
 *   alsoPerRound?: number[], alsoName?: string }} Row
 */

/**
 * Fills in a ratio row's figures from its raw data: the median value, the median per-round ratio and
 * its spread (and the median ratio to the second floor, if any).
 * @param {Row} r - With `samples` and `perRound`.
 * @returns {Row} `r`, completed.
 */
export function summarise(r) {
  const perRound = r.perRound ?? [];
  const s = spread(perRound);
  r.value = median(r.samples ?? []);
  r.ratio = median(perRound);
  r.spread = s.relative;
  r.ratioMin = s.min;
  r.ratioMax = s.max;
  r.runs = perRound.length;
  return r;
}

/**
 * A result row relative to a floor of the same rounds: median ns/op, the median of the per-round
 * ratios, and their spread.
 * @param {string} scenario
 * @param {string} variant
 * @param {readonly number[]} values
 * @param {readonly number[]} floor
 * @param {string} floorName - How the table names the floor ("F1", "bare `await`").
 * @param {{ target?: number, unit?: string, note?: string, scale?: number,
 *   also?: { floor: readonly number[], name: string } }} [extra] - `scale` divides the values
 *   (1000 for µs); `also` adds the ratio to a second floor to the note.
 * @returns {Row}
 */
export function row(scenario, variant, values, floor, floorName, extra = {}) {
  const scale = extra.scale ?? 1;
  /** @type {Row} */
  const out = {
    scenario,
    variant,
    value: null,
    unit: extra.unit ?? 'ns/op',
    floor: floorName,
    runs: 0,
    samples: values.map((v) => v / scale),
    perRound: ratios(values, floor),
  };
  if (extra.also !== undefined) {
    out.alsoPerRound = ratios(values, extra.also.floor);
    out.alsoName = extra.also.name;
  }
  if (extra.target !== undefined) out.target = extra.target;
  if (extra.note !== undefined) out.note = extra.note;
  return summarise(out);
}

/**
 * The note of a row as the table shows it: the ratio to the second floor first, then the note.
 * @param {Row} r
 * @returns {string}
 */
export function noteOf(r) {
  const parts = [];
  if (r.alsoPerRound !== undefined && r.alsoName !== undefined)
    parts.push(`${fmt(median(r.alsoPerRound))}x ${r.alsoName}`);
  if (r.note) parts.push(r.note);
  return parts.join('; ');
}

/**
 * A row for a value that is not a ratio to a floor (bytes, timers, a throughput ratio).
 * @param {string} scenario
 * @param {string} variant
 * @param {number} value
 * @param {string} unit
 * @param {{ target?: number, higherIsBetter?: boolean, note?: string }} [extra]
 * @returns {Row}
 */
export function valueRow(scenario, variant, value, unit, extra = {}) {
  return { scenario, variant, value, unit, runs: 1, ...extra };
}

/**
 * A row for a scenario that other work will measure (shown as `pending` with its target).
 * @param {string} scenario
 * @param {string} unit
 * @param {string} note
 * @param {number} [target]
 * @returns {Row}
 */
export function pendingRow(scenario, unit, note, target) {
  /** @type {Row} */
  const out = { scenario, variant: 'breakwater', value: null, unit, runs: 0, note };
  if (target !== undefined) out.target = target;
  return out;
}

/**
 * Sends a group's rows to the parent (or prints them when run alone).
 * @param {string} group
 * @param {Row[]} rows
 */
export function report(group, rows) {
  if (process.send) process.send({ group, rows });
  else console.log(JSON.stringify({ group, rows }, null, 2));
}
