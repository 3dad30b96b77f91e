import type { Measures } from './measures.js';

/** One measure over several seeds. */
export interface Stat {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The numeric measures of a run. */
export type MeasureName = {
  [K in keyof Measures]-?: Measures[K] extends number | undefined ? K : never;
}[keyof Measures];

/** Each measure over several seeds; `undefined` where it does not apply. */
export type Summary = { readonly [K in MeasureName]: Stat | undefined };

const NAMES: readonly MeasureName[] = [
  'goodput',
  'faultGoodput',
  'wasted',
  'faultLoad',
  'p99',
  'detect',
  'recover',
  'flaps',
  'refusedWhileHealthy',
  'refusedShare',
  'closedAfter',
  'probes',
  'failedProbes',
];

/**
 * The median of some numbers (the mean of the two middle ones for an even count), `Infinity`
 * included: the median of [1, Infinity] is Infinity.
 * @param values - At least one number.
 * @returns The median.
 * @throws {RangeError} For no values.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('Expected at least one value, got none');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[middle]!;
  const low = sorted[middle - 1]!;
  const high = sorted[middle]!;
  return low === high ? low : (low + high) / 2;
}

/**
 * Summarises the measures of runs with different seeds.
 * @param runs - At least one run's measures.
 * @returns The median, min and max of each measure that applies.
 */
export function summarize(runs: readonly Measures[]): Summary {
  const summary: Partial<Record<MeasureName, Stat | undefined>> = {};
  for (const name of NAMES) {
    const values = runs.map((run) => run[name]).filter((v): v is number => v !== undefined);
    summary[name] =
      values.length === 0
        ? undefined
        : { median: median(values), min: Math.min(...values), max: Math.max(...values) };
  }
  return summary as Summary;
}
