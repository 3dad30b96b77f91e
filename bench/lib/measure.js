// @ts-check
import { median, ratio, rotate } from './stats.js';

/**
 * @typedef {{ name: string, run: (n: number) => Promise<void> | void }} Variant
 * @typedef {{ rounds?: number, warmup?: number, batchMs?: number, settleMs?: number }} MeasureOptions
 */

const gc = /** @type {(() => void) | undefined} */ (globalThis.gc);

/**
 * Times `variant.run(n)` in ns per operation.
 * @param {Variant} variant
 * @param {number} n
 */
async function timeBatch(variant, n) {
  gc?.();
  const start = process.hrtime.bigint();
  await variant.run(n);
  return Number(process.hrtime.bigint() - start) / n;
}

/**
 * Picks a batch size so that one batch takes about `batchMs`.
 * @param {Variant} variant
 * @param {number} batchMs
 */
async function calibrate(variant, batchMs) {
  let n = 256;
  for (;;) {
    const start = process.hrtime.bigint();
    await variant.run(n);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (ms >= batchMs / 4 || n >= 1 << 24)
      return Math.max(16, Math.round((n * batchMs) / Math.max(ms, 0.001)));
    n *= 4;
  }
}

/**
 * Runs the variants interleaved: every round runs each once (in a rotated order) for the same batch
 * size, so drift hits them alike. Returns ns/op samples per variant name (warm-up rounds dropped).
 * `settleMs` waits after each batch so that timers a variant left pending (a peer's per-call timeout
 * timers) fire before the next variant is timed, not during its measurement.
 * @param {Variant[]} variants
 * @param {MeasureOptions} [options]
 * @returns {Promise<Record<string, number[]>>}
 */
export async function interleave(variants, { rounds = 12, warmup = 2, batchMs = 25, settleMs = 0 } = {}) {
  /** @type {Map<string, number>} */
  const sizes = new Map();
  for (const variant of variants) sizes.set(variant.name, await calibrate(variant, batchMs));
  /** @type {Record<string, number[]>} */
  const samples = {};
  for (const variant of variants) samples[variant.name] = [];
  for (let round = 0; round < warmup + rounds; round++) {
    for (const variant of rotate(variants, round)) {
      const ns = await timeBatch(variant, /** @type {number} */ (sizes.get(variant.name)));
      if (round >= warmup) /** @type {number[]} */ (samples[variant.name]).push(ns);
      if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
    }
  }
  return samples;
}

/**
 * A result row relative to a floor: median ns/op, median per-round ratio, its spread.
 * @param {string} scenario
 * @param {string} variant
 * @param {number[]} values
 * @param {number[]} floor
 * @param {string} floorName
 * @param {{ target?: number, unit?: string, note?: string }} [extra]
 */
export function row(scenario, variant, values, floor, floorName, extra = {}) {
  const r = ratio(values, floor);
  return {
    scenario,
    variant,
    value: median(values),
    unit: extra.unit ?? 'ns/op',
    ratio: r.ratio,
    spread: r.spread.relative,
    ratioMin: r.spread.min,
    ratioMax: r.spread.max,
    runs: values.length,
    floor: floorName,
    target: extra.target,
    note: extra.note,
  };
}

/**
 * Sends a group's rows to the parent (or prints them when run alone).
 * @param {string} group
 * @param {unknown[]} rows
 */
export function report(group, rows) {
  if (process.send) process.send({ group, rows });
  else console.log(JSON.stringify({ group, rows }, null, 2));
}
