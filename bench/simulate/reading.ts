import { check, type Verdict } from './claims.js';
import type { ScenarioResult } from './compare.js';
import type { MeasureName } from './summary.js';
import { MEASURES } from './table.js';

/**
 * The reading of one scenario's results: each claim checked (holds, does not hold, not measured
 * yet), then what the numbers show and what bounds them, in words, with the medians of this run.
 * @param result - The scenario's results.
 * @returns Markdown, and the verdicts.
 */
export function reading(result: ScenarioResult): { markdown: string; verdicts: Verdict[] } {
  const verdicts = result.scenario.claims.map((claim) => check(claim, result));
  const text = NARRATIVES[result.scenario.id]?.(medianOf(result)) ?? '';
  return { markdown: `${verdicts.map((v) => v.text).join('\n')}\n\n${text}`.trim(), verdicts };
}

/** The median of a variant's measure, formatted; `(pending)` when the variant did not run. */
type Median = (variant: string, measure: MeasureName) => string;

function medianOf(result: ScenarioResult): Median {
  return (variant, measure) => {
    const found = result.variants.find((v) => v.variant.id === variant);
    const stat = found?.summary?.[measure];
    return stat === undefined ? '(pending)' : MEASURES[measure].format(stat.median);
  };
}

/** What each scenario's numbers mean; the medians are this run's. */
const NARRATIVES: Record<string, (m: Median) => string> = {
  outage: (m) =>
    `Without a breaker every call of the outage waits out the 1 s timeout: ${m('no breaker', 'wasted')} calls sent for nothing, a p99 of ${m('no breaker', 'p99')} ms. The fixed breaker opens ${m('fixed', 'detect')} s into the outage and then sends one trial per 10 s open period (${m('fixed', 'wasted')} wasted calls). No rule can detect before the first timeout, 1 s into the outage; what is left to win is the rest: the fixed rule needs about half of its 100-call window to fail (some 0.4 s of traffic at 120 calls/s), so an adaptive threshold that learned a 0.1% normal rate (clamped at \`min\`, 5%) can win at most that part, a few dozen calls. The breaker's cost comes after the outage: it refuses until its open period ends (${m('fixed', 'recover')} s, ${m('fixed', 'refusedWhileHealthy')} calls refused while the dependency was healthy); a shorter \`resetTimeout\` shortens that and sends more trials into an outage. The throttle is not for outages (open while dead); here the claim is only that it does not slow recovery, because it counts only the calls that reach it while closed and so has nothing of the outage to remember once the breaker closes.`,
  brownout: (m) =>
    `Without a breaker the queue fills within seconds, waits pass the 1 s timeout, and the dependency spends its whole remaining capacity on answers nobody waits for: ${m('no breaker', 'faultGoodput')} calls/s of goodput during the brown-out although it can still serve 80, and ${m('no breaker', 'recover')} s after it ends to drain the queue. The fixed breaker cycles: open for 10 s (the queue drains), a trial succeeds, it closes, 120 calls/s refill the queue in about 2 s, the window fills with timeouts and it opens again: ${m('fixed', 'faultGoodput')} calls/s. The gap up to 80 is what throttling is meant to win. What bounds it: with \`k = 2\` the throttle rejects only once fewer than half of the last 2 minutes' requests were accepted; a dependency accepting its full 80 calls/s would let 160 through, more than the 120 offered, so the throttle cannot hold the load under the capacity before the collapse, only act on it once accepts fall. It does not hold the fault against the recovery: its history (the last \`duration\`, 2 minutes, of requests and accepts) is cleared each time the breaker closes, so after the fault it refuses nothing for what the brown-out did. A quicker trip rule pays for its speed at the end: calls sent into the full queue in the brown-out's last second time out a second after the dependency is back, and a breaker that opens on them stays open for a whole period while the dependency is healthy; the fixed rule needs half its window to fail and lets that tail pass more often than an adaptive threshold, which trips on a few failures. A breaker of any kind cannot raise goodput above the 80 calls/s the dependency can serve.`,
  errors8: (m) =>
    `With 8% normal errors a window of 100 calls holds 8 ± 2.7 failures: a fixed 50% threshold is 15 standard deviations away and never trips (${m('fixed', 'flaps')} flaps), and with \`k = 2\` the throttle stays silent while more than half the calls succeed. It counts a request before its call and an accept only when the call succeeds, so the calls in flight count against it; a history of fewer than 20 requests refuses nothing, so a fresh one (the start of the run) does not refuse on that alone. What this scenario tests is the adaptive rule's false-trip budget: evaluated every 10 calls, the 10 minutes make 7,200 evaluations, so a sensitivity that trips less than once per 10,000 evaluations at the learned rate gives a median of 0 flaps (three standard deviations checked after every outcome, 72,000 evaluations, would trip several times). Every flap costs a 10 s open period, some 1,100 calls refused for nothing.`,
  quiet: (m) =>
    `At one call per 10 s, without a breaker each of the outage's ${m('no breaker', 'wasted')} calls waits out the 1 s timeout. The fixed breaker needs 5 failures among its last 10 calls to open (${m('fixed', 'detect')} s into the outage); after each 10 s open period it turns half-open and waits for the next user's call to test the dependency, so every trial during the outage is a user's call that waits out the timeout (${m('fixed', 'wasted')} wasted in all), and after the outage the breaker stays open or half-open until a user comes (${m('fixed', 'closedAfter')} s). Users lose little by that wait: one who comes while the breaker is still open gets the fallback, with or without a probe, and the first call after the open period is the trial, which succeeds (${m('fixed', 'recover')} s until users are served again, the median). So a probe can win little on recovery as users see it; what it buys is the users' calls spent as trials in the outage, and a breaker whose state (health checks, the dashboard, the fleet) says "closed" as soon as the dependency is back rather than when the next user arrives.`,
};
