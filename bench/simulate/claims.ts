import type { ScenarioResult, VariantResult } from './compare.js';
import type { MeasureName } from './summary.js';
import { MEASURES, pendingText } from './table.js';

/** What a variant is meant to buy on a scenario, checked against the runs: a comparison or a bound. */
export type Claim = Comparison | Bound;

/** "`adaptive` detects the outage sooner than `fixed`". */
export interface Comparison {
  /** The variant the claim is about. */
  readonly variant: string;
  /** The variant it is compared with. */
  readonly than: string;
  readonly measure: MeasureName;
  /**
   * `lower` / `higher`: it must be lower / higher by more than the noise; `no higher`: its median
   * must be at most 10% (plus `tolerance`) above the other's (for costs that should not grow).
   */
  readonly better: 'lower' | 'higher' | 'no higher';
  /** Slack of a `no higher` claim, in the measure's unit. @default 0 */
  readonly tolerance?: number;
  /** The claim in words, between the two variant names: "detects the outage sooner than". */
  readonly says: string;
}

/**
 * "`fixed + limit` keeps at least 70 calls/s of goodput in the brown-out": a goal in the measure's
 * unit. It holds when the median over the seeds meets it; the text says on how many seeds it did.
 */
export interface Bound {
  readonly variant: string;
  readonly measure: MeasureName;
  /** `at least`: the median must be >= `value`; `below`: < `value`; `at most`: <= `value`. */
  readonly bound: 'at least' | 'below' | 'at most';
  readonly value: number;
  /** The claim in words, after the variant's name: "keeps at least 70 calls/s of goodput in the brown-out". */
  readonly says: string;
}

/** A claim checked against a scenario's results. */
export interface Verdict {
  readonly claim: Claim;
  /**
   * `within the noise`: the difference is smaller than twice its standard error over the seeds;
   * `pending`: a variant did not run in this build.
   */
  readonly verdict: 'holds' | 'does not hold' | 'within the noise' | 'pending';
  /** The markdown line that reports it. */
  readonly text: string;
}

/**
 * The difference between two variants' runs of the same seeds (same arrivals): the mean of the
 * per-seed differences and its standard error. `undefined` when a run has no finite value (a
 * breaker that never recovered), or for a single seed.
 * @param a - One variant's values, one per seed.
 * @param b - The other's, for the same seeds.
 * @returns `{ mean, error }` of a - b.
 */
export function pairedDifference(
  a: readonly number[],
  b: readonly number[],
): { mean: number; error: number } | undefined {
  const n = a.length;
  if (n < 2 || b.length !== n) return undefined;
  const d = a.map((x, i) => x - b[i]!);
  if (!d.every(Number.isFinite)) return undefined;
  const mean = d.reduce((s, x) => s + x, 0) / n;
  const variance = d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { mean, error: Math.sqrt(variance / n) };
}

/**
 * Checks a claim against a scenario's runs. The verdict compares the two variants seed by seed: a
 * difference counts once it exceeds twice its standard error; with one seed, or a run that never
 * recovered, the medians decide alone.
 * @param claim - The claim.
 * @param result - The scenario's results (both variants must be among them).
 * @returns The verdict and the line that reports it, with both medians.
 * @throws {RangeError} When the claim names a variant or a measure the scenario does not have.
 */
export function check(claim: Claim, result: ScenarioResult): Verdict {
  if ('bound' in claim) return checkBound(claim, result);
  const mine = find(result, claim.variant);
  const theirs = find(result, claim.than);
  const sentence = `\`${claim.variant}\` ${claim.says} \`${claim.than}\``;
  const pending = [mine, theirs].find((v) => v.summary === undefined);
  if (pending !== undefined) {
    return { claim, verdict: 'pending', text: `- not measured yet: ${sentence} (${pendingText(pending)}).` };
  }
  const a = mine.summary?.[claim.measure];
  const b = theirs.summary?.[claim.measure];
  if (a === undefined || b === undefined) {
    throw new RangeError(
      `Expected measure \`${claim.measure}\` to apply to scenario \`${result.scenario.id}\``,
    );
  }
  const values = (v: VariantResult) => v.runs.map((run) => run[claim.measure] as number);
  const difference = pairedDifference(values(mine), values(theirs));
  const verdict = judge(claim, a.median, b.median, difference);
  const { title, format } = MEASURES[claim.measure];
  const noise =
    difference === undefined || verdict === 'holds'
      ? ''
      : `; the difference is ${signed(difference.mean, format)} ± ${format(difference.error)} per seed`;
  const label = verdict === 'holds' || verdict === 'does not hold' ? `**${verdict}**` : verdict;
  return {
    claim,
    verdict,
    text: `- ${label}: ${sentence} (${title}: ${format(a.median)} against ${format(b.median)}${noise}).`,
  };
}

/** A bound: the median decides; the text gives the median, the range and the seeds that met it. */
function checkBound(claim: Bound, result: ScenarioResult): Verdict {
  const mine = find(result, claim.variant);
  const sentence = `\`${claim.variant}\` ${claim.says}`;
  if (mine.summary === undefined) {
    return { claim, verdict: 'pending', text: `- not measured yet: ${sentence} (${pendingText(mine)}).` };
  }
  const stat = mine.summary[claim.measure];
  if (stat === undefined) {
    throw new RangeError(
      `Expected measure \`${claim.measure}\` to apply to scenario \`${result.scenario.id}\``,
    );
  }
  const meets = (x: number): boolean =>
    claim.bound === 'at least'
      ? x >= claim.value
      : claim.bound === 'below'
        ? x < claim.value
        : x <= claim.value;
  const seeds = mine.runs.filter((run) => meets(run[claim.measure] as number)).length;
  const verdict = meets(stat.median) ? 'holds' : 'does not hold';
  const { title, format } = MEASURES[claim.measure];
  const range = stat.min === stat.max ? '' : `, ${format(stat.min)}–${format(stat.max)} over the seeds`;
  return {
    claim,
    verdict,
    text: `- **${verdict}**: ${sentence} (${title}: ${format(stat.median)}${range}; met on ${seeds} of ${mine.runs.length} seeds).`,
  };
}

function find(result: ScenarioResult, id: string): VariantResult {
  const found = result.variants.find((v) => v.variant.id === id);
  if (found === undefined) {
    throw new RangeError(`Expected a variant of scenario \`${result.scenario.id}\`, got \`${id}\``);
  }
  return found;
}

function judge(
  claim: Comparison,
  a: number,
  b: number,
  difference: { mean: number; error: number } | undefined,
): Verdict['verdict'] {
  // Positive: the claimed direction (lower is better unless the claim says higher).
  const gain = claim.better === 'higher' ? 1 : -1;
  const noise = difference === undefined ? 0 : 2 * difference.error;
  const gained = difference === undefined ? (a - b) * gain : difference.mean * gain;
  if (claim.better === 'no higher') {
    const worse = difference === undefined ? a - b : difference.mean;
    if (a === b || a - b <= Math.abs(b) * 0.1 + (claim.tolerance ?? 0)) return 'holds';
    return worse <= noise ? 'within the noise' : 'does not hold';
  }
  if (gained > noise && (a - b) * gain > 0) return 'holds';
  if (difference !== undefined && Math.abs(difference.mean) <= noise) return 'within the noise';
  return 'does not hold';
}

function signed(value: number, format: (value: number) => string): string {
  return value < 0 ? `-${format(-value)}` : `+${format(value)}`;
}
