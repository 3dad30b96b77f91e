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
    `Without a breaker every call of the outage waits out the 1 s timeout: ${m('no breaker', 'wasted')} calls sent for nothing, a p99 of ${m('no breaker', 'p99')} ms. The fixed breaker opens ${m('fixed', 'detect')} s into the outage and then sends one trial per 10 s open period (${m('fixed', 'wasted')} wasted calls). No rule can detect before the first timeout, 1 s into the outage; what is left to win is the rest: the fixed rule needs about half of its 100-call window to fail (some 0.4 s of traffic at 120 calls/s), so an adaptive threshold that learned a 0.1% normal rate (its detector needs about 27 failures, a quarter of a second of timeouts) can win at most that part, a few dozen calls. The breaker's cost comes after the outage: it refuses until its open period ends (${m('fixed', 'recover')} s, ${m('fixed', 'refusedWhileHealthy')} calls refused while the dependency was healthy); a shorter \`resetTimeout\` shortens that and sends more trials into an outage. The throttle is not for outages (open while dead); here the claim is only that it does not slow recovery, because it counts only the calls that reach it while closed and so has nothing of the outage to remember once the breaker closes.`,
  brownout: (m) =>
    `Without a breaker the queue fills within seconds, waits pass the 1 s timeout, and the dependency spends its whole remaining capacity on answers nobody waits for: ${m('no breaker', 'faultGoodput')} calls/s of goodput during the brown-out although it can still serve 80, and ${m('no breaker', 'recover')} s after it ends to drain the queue. The fixed breaker cycles: open for 10 s (the queue drains), a trial succeeds, it closes, 120 calls/s refill the queue in about 2 s, the window fills with timeouts and it opens again: ${m('fixed', 'faultGoodput')} calls/s. The gap up to 80 is what throttling is meant to win. What bounds it: with \`k = 2\` the throttle rejects only once fewer than half of the last 2 minutes' requests were accepted; a dependency accepting its full 80 calls/s would let 160 through, more than the 120 offered, so the throttle cannot hold the load under the capacity before the collapse, only act on it once accepts fall. It does not hold the fault against the recovery: its history (the last \`duration\`, 2 minutes, of requests and accepts) is cleared each time the breaker closes, so after the fault it refuses nothing for what the brown-out did. How soon a breaker serves again after the brown-out depends mostly on where its end falls in the breaker's cycle: open at the end, it refuses until its 10 s period is over; closed, the calls sent into the full queue in the brown-out's last second time out after the dependency is back, and any rule opens on that tail. With the same end on every seed (this scenario's first version) the cycles, locked to the fault's start, ended in the same phase on every seed: the fixed rule was open from about 291 s to 301 s on all 21 seeds and recovered in 1.4 s, while the first adaptive rule, opening about half a second sooner per cycle, fitted a tenth opening into the brown-out's last two seconds or onto its tail and recovered in 9.0 s; moving the end 4 to 8 s later turned it round (the fixed rule 6.6-8.6 s, the adaptive 1.9-5.9 s). The end is therefore drawn per seed over 30 s: the fixed rule recovers in ${m('fixed', 'recover')} s and the adaptive rule in ${m('adaptive', 'recover')} s (over 200 seeds, \`npm run simulate -- --scenario brownout --seeds 200\`: 4.1 and 4.2 s, against 5.3 s for the first adaptive rule, which opened on the tail of timeouts after the end on 21 seeds of 200, where the fixed rule did on 17 and this one on 12: its detector needs 27 failures' evidence from a learned 0.1%, the first rule one failure among a just-closed breaker's first 10 calls). A breaker of any kind cannot raise goodput above the 80 calls/s the dependency can serve.`,
  errors8: (m) =>
    `With 8% normal errors a window of 100 calls holds 8 ± 2.7 failures: a fixed 50% threshold is 15 standard deviations away and never trips (${m('fixed', 'flaps')} flaps), and with \`k = 2\` the throttle stays silent while more than half the calls succeed. It counts a request before its call and an accept only when the call succeeds, so the calls in flight count against it; a history of fewer than 20 requests refuses nothing, so a fresh one (the start of the run) does not refuse on that alone. What this scenario tests is the adaptive rule's false-open budget on a small scale: the 10 minutes hold about 72,000 calls, and a rule within its budget of one false open per 10^7 calls flaps in under 1% of such runs (the first version, once per 250,000 calls, in about a quarter of them); the section on the learned threshold counts 10^7 calls per learned rate. Every flap costs a 10 s open period, some 1,100 calls refused for nothing.`,
  quiet: (m) =>
    `At one call per 10 s, without a breaker each of the outage's ${m('no breaker', 'wasted')} calls waits out the 1 s timeout. The fixed breaker needs 5 failures among its last 10 calls to open (${m('fixed', 'detect')} s into the outage); after each 10 s open period it turns half-open and waits for the next user's call to test the dependency, so every trial during the outage is a user's call that waits out the timeout (${m('fixed', 'wasted')} wasted in all), and after the outage the breaker stays open or half-open until a user comes (${m('fixed', 'closedAfter')} s). Users lose little by that wait: one who comes while the breaker is still open gets the fallback, with or without a probe, and the first call after the open period is the trial, which succeeds (${m('fixed', 'recover')} s until users are served again, the median). So a probe can win little on recovery as users see it; what it buys is the users' calls spent as trials in the outage, and a breaker whose state (health checks, the dashboard, the fleet) says "closed" as soon as the dependency is back rather than when the next user arrives.`,
};
