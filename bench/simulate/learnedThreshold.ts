import { type CircuitBreakerOptions, DEFAULTS } from '../../src/index.js';
import { BernoulliClient } from './BernoulliClient.js';
import type { Verdict } from './claims.js';
import { streamSeed } from './Random.js';
import { median } from './summary.js';
import { formatCount } from './table.js';

/**
 * The learned failure-rate threshold's own figures (DESIGN section 10), measured through the public
 * API on Bernoulli outcomes: how rarely it opens at exactly its learned rate, and how soon it catches
 * a rise from a learned 8%.
 */

/** The learned rates the false-open budget is checked at. */
export const FALSE_OPEN_RATES: readonly number[] = [0.001, 0.01, 0.08, 0.25];
/** The budget: at most one false open per this many calls. */
export const BUDGET_CALLS = 1e7;
/**
 * The false-open runs set `min` out of the way (0.001), so that only the detector (tuned to a
 * doubling, p1 = 2·p0, at every rate) and `max` decide; the default `min` of 5% can only remove
 * openings.
 */
export const DETECTOR_ALONE: Readonly<CircuitBreakerOptions> = {
  failureRateThreshold: { adaptive: true, min: 0.001 },
};
/** The same at `sensitivity: 2` (h halved), where openings are frequent enough to count. */
const EAGER: Readonly<CircuitBreakerOptions> = {
  failureRateThreshold: { adaptive: true, min: 0.001, sensitivity: 2 },
};
/** h at the default sensitivity, ln(10^8). */
const H = Math.log(1e8);
/** The rate detection starts from. */
export const LEARNED_RATE = 0.08;
/** Calls learned at {@link LEARNED_RATE} before the rise: past the warm-up and 3 memories of p̂. */
export const LEARN_CALLS = 40_000;
/** The rises and how soon they must be caught (median calls over the seeds). */
export const DETECTION_GOALS: readonly { readonly to: number; readonly within: number }[] = [
  { to: 0.16, within: 600 },
  { to: 0.3, within: 150 },
  { to: 1, within: 30 },
];
/** Calls at 1,000 calls/s in an hour. */
const HOUR = 3_600_000;

/**
 * How often, per call, a count window at a steady failure rate newly reaches `max` (the ceiling
 * opens then): the window's other n − 1 calls hold k − 1 failures (k = ⌈max·n⌉), the call it
 * forgets succeeded and the new one failed. Exact for independent outcomes.
 * @param rate - The failure rate.
 * @param size - The window's size. @default 100
 * @param max - The ceiling. @default 0.5
 * @returns The openings per call.
 */
export function ceilingRate(rate: number, size = DEFAULTS.windowSize, max = DEFAULTS.adaptiveMax): number {
  const k = Math.ceil(max * size);
  let lnChoose = 0;
  for (let i = 1; i < k; i++) lnChoose += Math.log(size - k + i) - Math.log(i);
  const q = 1 - rate;
  return Math.exp(lnChoose + (k - 1) * Math.log(rate) + (size - k) * Math.log(q)) * rate * q;
}

/** Openings counted at one learned rate. */
export interface FalseOpenCount {
  readonly rate: number;
  /** Calls counted once learned, and the openings among them. */
  readonly calls: number;
  readonly opens: number;
  /** Openings during the {@link LEARN_CALLS} calls each breaker learned first (warm-up included). */
  readonly learningOpens: number;
}

/** One rise, the calls it took to open on each seed, and its goal. */
export interface Detection {
  readonly to: number;
  readonly within: number;
  readonly delays: readonly number[];
}

/** Everything the section reports. */
export interface LearnedResult {
  readonly seeds: readonly number[];
  /** At the default sensitivity, per rate. */
  readonly falseOpens: readonly FalseOpenCount[];
  /** At `sensitivity: 2`, per rate (for the extrapolation). */
  readonly eager: readonly FalseOpenCount[];
  readonly detection: readonly Detection[];
}

/**
 * Counts the openings of breakers fed at a constant failure rate once they have learned it: each
 * seed's breaker learns {@link LEARN_CALLS} calls (its openings counted apart), then makes its
 * share of `calls`; every opening is counted and the breaker reset (it keeps what it learned).
 * @param rate - The dependency's failure rate, which the breakers learn.
 * @param calls - Calls counted, in all.
 * @param seeds - At least one seed.
 * @param options - The breakers' options. @default {@link DETECTOR_ALONE}
 * @returns The calls counted and the openings.
 */
export function falseOpens(
  rate: number,
  calls: number,
  seeds: readonly number[],
  options: Readonly<CircuitBreakerOptions> = DETECTOR_ALONE,
): FalseOpenCount {
  const each = Math.ceil(calls / seeds.length);
  let opens = 0;
  let learningOpens = 0;
  for (const seed of seeds) {
    const client = new BernoulliClient(streamSeed(seed, 0), options);
    learningOpens += client.run(rate, LEARN_CALLS);
    opens += client.run(rate, each);
  }
  return { rate, calls: each * seeds.length, opens, learningOpens };
}

/**
 * How many calls a rise from a learned rate takes to open the breaker, per seed: each breaker learns
 * `learn` calls at `from` (openings there are reset), then fails at `to` until it opens.
 * @param from - The learned rate.
 * @param to - The raised rate.
 * @param seeds - The seeds.
 * @param learn - Calls learned first. @default {@link LEARN_CALLS}
 * @returns The calls to open, one per seed (`Infinity` when it did not open within 100,000).
 */
export function detectionDelays(
  from: number,
  to: number,
  seeds: readonly number[],
  learn = LEARN_CALLS,
): number[] {
  return seeds.map((seed) => {
    const client = new BernoulliClient(streamSeed(seed, 1));
    client.run(from, learn);
    return client.untilOpen(to, 100_000);
  });
}

/**
 * Runs every measurement of the section.
 * @param seeds - The seeds (detection: one run each; false opens: the calls shared among them).
 * @param calls - Calls per learned rate for the false-open count. @default {@link BUDGET_CALLS}
 * @returns The results.
 */
export function measureLearned(seeds: readonly number[], calls = BUDGET_CALLS): LearnedResult {
  return {
    seeds,
    falseOpens: FALSE_OPEN_RATES.map((rate) => falseOpens(rate, calls, seeds)),
    eager: FALSE_OPEN_RATES.map((rate) => falseOpens(rate, calls / 5, seeds, EAGER)),
    detection: DETECTION_GOALS.map(({ to, within }) => ({
      to,
      within,
      delays: detectionDelays(LEARNED_RATE, to, seeds),
    })),
  };
}

/**
 * The section of bench/simulation.md on the learned threshold: the false-open table, the detection
 * table, a verdict per claim and what bounds the numbers.
 * @param result - The measurements.
 * @returns Markdown, and the verdicts (counted with the scenarios').
 */
export function learnedSection(result: LearnedResult): {
  markdown: string;
  verdicts: Pick<Verdict, 'verdict' | 'text'>[];
} {
  const verdicts: Pick<Verdict, 'verdict' | 'text'>[] = [];
  const rows = result.falseOpens.map((count, i) => {
    const eager = result.eager[i]!;
    const perBudget = (count.opens / count.calls) * BUDGET_CALLS;
    const holds = perBudget <= 1;
    verdicts.push({
      verdict: holds ? 'holds' : 'does not hold',
      text: `- **${holds ? 'holds' : 'does not hold'}**: at a learned ${percent(count.rate)} it opens at most once per 10^7 calls (${formatCount(count.opens)} in ${calls(count.calls)}).`,
    });
    // Each unit of h divides the rate of false opens by about e (Wald's bound is e^-h): from the
    // rate at h/2, the rate at h is about e^-(h/2) times smaller.
    // None at h/2: under 3 per that many calls (95% confidence), so under e^-(h/2) of that at h.
    const counted = eager.opens === 0 ? 3 : eager.opens;
    const detector = (counted / eager.calls) * Math.exp(-H / 2);
    const ceiling = ceilingRate(count.rate);
    const about = eager.opens === 0 ? 'more than' : '≈';
    return `| ${percent(count.rate)} | ${formatCount(count.opens)} in ${calls(count.calls)} | ${formatCount(count.learningOpens)} | ${formatCount(eager.opens)} in ${calls(eager.calls)} | ${about} ${oneIn(detector, false)} | ${oneIn(ceiling, false)} | ${about} ${oneIn(detector + ceiling, true)} |`;
  });
  const detectionRows = result.detection.map(({ to, within, delays }) => {
    const m = median(delays);
    const holds = m <= within;
    const finite = delays.filter(Number.isFinite);
    verdicts.push({
      verdict: holds ? 'holds' : 'does not hold',
      text: `- **${holds ? 'holds' : 'does not hold'}**: from a learned ${percent(LEARNED_RATE)} it catches ${to === 1 ? 'every call failing' : percent(to)} within a median of ${within} calls (${formatCount(m)}).`,
    });
    const range = `${formatCount(Math.min(...delays))}–${finite.length < delays.length ? 'never' : formatCount(Math.max(...delays))}`;
    return `| ${percent(LEARNED_RATE)} → ${percent(to)} | ${formatCount(m)} | ${range} | ${within} |`;
  });
  const seeds = result.seeds;
  const markdown = `## The learned failure-rate threshold

The rule alone, on a dependency whose calls fail independently at a set rate (no queue, no latency),
through the public API (\`tryAcquire()\` and a permit per call) on a \`FakeClock\`, with a count window
of 100. The rule is Page's CUSUM on the outcomes against the learned rate p̂ (DESIGN section 10, and
the README's "A learned failure-rate threshold").

**False opens.** Each seed's breaker first learns ${calls(LEARN_CALLS)} calls at the rate (its openings there,
the warm-up included, are counted apart), then makes its share of the calls; each opening is
counted, then the breaker reset (it keeps what it learned). \`min\` is set to 0.001 so that only the
detector, tuned to a doubling (p1 = 2·p0), and \`max\` decide: the default \`min\` of 5% only removes
openings. At h = ln(10^8) the detector's openings are too rare to count in 10^7 calls, so the same
runs at \`sensitivity: 2\` (h/2) show its scale: each unit of h divides the rate by about e (Wald's
bound, e^-h), so the rate at h is about e^-9.2 ≈ 10^-4 times the rate at h/2 (an extrapolation,
marked ≈; with none at h/2, a bound from 3 per that many calls). \`max\` (50% of the 100-call window) opens too when a window at the learned rate reaches it
by chance; its rate is exact (the binomial chance that a window newly holds 50 failures).

| learned rate | opens | while learning | at \`sensitivity: 2\` | detector: one per | \`max\`: one per | both, at 1,000 calls/s: one per |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

At a learned 25% \`max\` is the nearer edge: 0.17 openings per 10^7 calls, about one every 16 hours at
1,000 calls/s; a larger window or a higher \`max\` pushes it away. The openings while learning come
from the warm-up, where the rule is the fixed one at \`max\` over as few as \`minimumCalls\` (10) calls:
at 25% a breaker's first 10 calls hold 5 failures 8% of the time (the fixed rule
\`failureRateThreshold: 0.5\` does the same after every start and every close).

**Detection** from a learned ${percent(LEARNED_RATE)}: each breaker learns ${calls(LEARN_CALLS)} calls, then its dependency fails at the
raised rate until it opens; the calls that took, over the ${seeds.length} seeds.

| rise | median calls | range | goal |
| --- | ---: | ---: | ---: |
${detectionRows.join('\n')}

The detector needs S to climb h = 18.4 from about 0: each failure adds ln 2 = 0.69, each success
takes ln(0.84/0.92) = 0.091 away, so at 16% S climbs 0.035 a call (about 530 calls on average, the
median a little less), at 30% 0.144 a call (about 130), and at 100% it opens on the 27th failure.

${verdicts.map((v) => v.text).join('\n')}`;
  return { markdown, verdicts };
}

function percent(rate: number): string {
  return `${Number((rate * 100).toPrecision(3))}%`;
}

function calls(n: number): string {
  if (n < 1e6) return formatCount(n);
  const exponent = Math.floor(Math.log10(n));
  const mantissa = Number((n / 10 ** exponent).toPrecision(3));
  return mantissa === 1 ? `10^${exponent}` : `${mantissa}·10^${exponent}`;
}

/**
 * "2.5·10^9 calls (29 days)": a rate per call as one event per so many calls, and with `time`, the
 * time that is at 1,000 calls/s.
 */
function oneIn(ratePerCall: number, time: boolean): string {
  const every = 1 / ratePerCall;
  const count = Number(every.toPrecision(2)).toExponential(1).replace('e+', '·10^');
  if (!time) return count;
  const hours = every / HOUR;
  if (hours >= 24 * 365 * 10) return `${count} calls (over 10 years)`;
  if (hours >= 48) return `${count} calls (${formatCount(Math.round(hours / 24))} days)`;
  return `${count} calls (${formatCount(Math.round(hours))} h)`;
}
