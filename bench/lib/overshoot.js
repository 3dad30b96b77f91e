// @ts-check
/**
 * The arithmetic of the overshoot scenario (bench/redis-overshoot.js; checked by
 * test/bench-harness.test.ts): from the calls that reached a dependency on every instance of a
 * fleet, when the fleet-wide rule was crossed and how many calls still reached it after that.
 */

/**
 * The trip rule, as the fleet should apply it: over all calls of the fleet in time order, a run of
 * `failureThreshold` consecutive failures, or a failure rate of `failureRateThreshold`, once the
 * fleet made `minimumCalls` calls (the gate applies to both, as in the breaker).
 * @typedef {{ failureThreshold?: number, failureRateThreshold?: number, minimumCalls: number }} Rule
 */

/**
 * One trial, from every instance's log of the calls that reached the dependency since the fleet's
 * window started (the last `closed`), until every instance read `open`.
 * @param {readonly { at: readonly number[], failed: readonly number[] }[]} logs - Per instance, when
 *   each call reached the dependency (ms, one clock for all) and whether it failed (0 or 1).
 * @param {readonly number[]} opens - Per instance, when its breaker read `open`.
 * @param {Rule} rule
 * @returns {{ failures: number, after: number, crossedAt: number, allOpenAfter: number }}
 *   `failures` reached the dependency in all; `after` of the calls came after the one that crossed
 *   the rule; `allOpenAfter` is the ms from that call until the last instance read open. When the
 *   rule was never crossed, `crossedAt` and `allOpenAfter` are NaN and `after` is 0.
 * @throws RangeError for a rule with neither a threshold nor a rate, or a `minimumCalls` < 1.
 */
export function overshoot(logs, opens, rule) {
  const { failureThreshold, failureRateThreshold, minimumCalls } = rule;
  if (failureThreshold === undefined && failureRateThreshold === undefined)
    throw new RangeError('Expected a rule with `failureThreshold` or `failureRateThreshold`, got neither');
  if (!Number.isInteger(minimumCalls) || minimumCalls < 1)
    throw new RangeError(`Expected \`minimumCalls\` to be an integer >= 1, got \`${minimumCalls}\``);
  /** @type {[number, number][]} */
  const calls = [];
  for (const log of logs)
    for (let i = 0; i < log.at.length; i++) calls.push([log.at[i] ?? 0, log.failed[i] ?? 0]);
  calls.sort((a, b) => a[0] - b[0]);
  let failures = 0;
  let run = 0;
  let crossing = -1;
  for (let i = 0; i < calls.length; i++) {
    const failed = /** @type {[number, number]} */ (calls[i])[1] === 1;
    failures += failed ? 1 : 0;
    run = failed ? run + 1 : 0;
    const count = i + 1;
    if (crossing >= 0 || count < minimumCalls) continue;
    if (
      (failureThreshold !== undefined && run >= failureThreshold) ||
      (failureRateThreshold !== undefined && failures / count >= failureRateThreshold)
    )
      crossing = i;
  }
  const crossedAt = crossing < 0 ? Number.NaN : /** @type {[number, number]} */ (calls[crossing])[0];
  return {
    failures,
    after: crossing < 0 ? 0 : calls.length - 1 - crossing,
    crossedAt,
    allOpenAfter: Math.max(...opens) - crossedAt,
  };
}

/**
 * The failures one instance would have sent to the dependency with no store, on its own rule: its
 * logged calls, then failures for as long as its own rule does not hold (the dependency fails every
 * call from then on).
 * @param {{ at: readonly number[], failed: readonly number[] }} log - The instance's calls, in order.
 * @param {Rule} rule
 * @returns {number}
 */
export function failuresAlone(log, rule) {
  const { failureThreshold, failureRateThreshold, minimumCalls } = rule;
  let calls = 0;
  let failures = 0;
  let run = 0;
  const holds = () =>
    calls >= minimumCalls &&
    ((failureThreshold !== undefined && run >= failureThreshold) ||
      (failureRateThreshold !== undefined && failures / calls >= failureRateThreshold));
  for (const failed of log.failed) {
    calls++;
    failures += failed;
    run = failed === 1 ? run + 1 : 0;
    if (holds()) return failures;
  }
  if (failureThreshold === undefined && (failureRateThreshold ?? 0) <= 0) return Number.POSITIVE_INFINITY;
  while (!holds()) {
    calls++;
    failures++;
    run++;
  }
  return failures;
}
