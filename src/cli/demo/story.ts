/** How the flaky service behaves during one phase of the demo. */
export type ServiceMode = 'healthy' | 'failing' | 'hanging';

/** One phase of the story: from `at` ms (story time) until the next phase. */
export interface Phase {
  readonly at: number;
  readonly mode: ServiceMode;
  /** What the timeline says when the phase begins. */
  readonly note: string;
}

/**
 * The demo's script, in story milliseconds (divided by `--speed` at run time). The service is
 * healthy, fails with slow 500s, then hangs (only the breaker's timeout ends those calls), then
 * recovers; the breaker opens, probes with trial calls while the service is still down, and closes
 * once a trial succeeds.
 */
export const STORY = Object.freeze({
  /** Story length; traffic stops here and the summary follows. */
  duration: 25_000,
  /** One call every this many ms: steady traffic. */
  requestInterval: 100,
  /** A timeline line summing up every this many ms. */
  tickInterval: 1_000,
  /** Response time of the healthy service. */
  healthyLatency: 30,
  /** Time the failing service takes to answer 500. */
  failingLatency: 250,
  phases: [
    { at: 0, mode: 'healthy', note: 'service is healthy: answers 200 in ~30 ms' },
    { at: 4_000, mode: 'failing', note: 'service goes down: answers 500 after ~250 ms' },
    { at: 9_000, mode: 'hanging', note: 'service hangs: takes requests and never answers' },
    { at: 16_000, mode: 'healthy', note: 'service recovers' },
  ] as readonly Phase[],
  breaker: {
    /** Consecutive failures that open the breaker. */
    failureThreshold: 5,
    /** Ms the breaker stays open before a trial call. */
    resetTimeout: 3_000,
    /** Ms a call may take before it is aborted through `ctx.signal`. */
    timeout: 1_000,
  },
});

/**
 * The phase in force at story time `t`.
 * @param t - Story ms since the start.
 */
export function phaseAt(t: number): Phase {
  let current = STORY.phases[0]!;
  for (const phase of STORY.phases) if (phase.at <= t) current = phase;
  return current;
}
