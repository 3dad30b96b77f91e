// @ts-check
/**
 * Pools the rows of one group measured in several processes (checked by test/bench-harness.test.ts).
 *
 * V8 does not optimise a process the same way twice: how a loop was inlined, or when a function was
 * compiled, can leave one process's variant 1.5-2x off its usual figure for the whole run. Running an
 * interleaved group in several processes and taking the median of all their per-round ratios keeps
 * one such process from deciding a row.
 */

import { summarise } from './measure.js';
import { median } from './stats.js';

/** @typedef {import('./measure.js').Row} Row */

/**
 * Merges row `i` of every process into one: ratio rows pool their samples and per-round ratios;
 * value rows take the median of the values.
 * @param {Row[][]} runs - The rows of each process, in the same order.
 * @returns {Row[]}
 */
export function pool(runs) {
  const [first, ...rest] = runs;
  if (first === undefined) return [];
  if (rest.length === 0) return first;
  return first.map((r, i) => {
    const same = rest.map((rows) => rows[i]);
    for (const other of same)
      if (other === undefined || other.scenario !== r.scenario || other.variant !== r.variant)
        throw new Error(`Expected every process to report "${r.scenario} / ${r.variant}" as row ${i}`);
    const all = [r, .../** @type {Row[]} */ (same)];
    if (r.perRound === undefined) {
      const values = all.map((x) => x.value).filter((v) => v !== null && !Number.isNaN(v));
      return { ...r, value: values.length === 0 ? r.value : median(/** @type {number[]} */ (values)) };
    }
    /** @type {Row} */
    const merged = {
      ...r,
      samples: all.flatMap((x) => x.samples ?? []),
      perRound: all.flatMap((x) => x.perRound ?? []),
    };
    if (r.alsoPerRound !== undefined) merged.alsoPerRound = all.flatMap((x) => x.alsoPerRound ?? []);
    return summarise(merged);
  });
}
