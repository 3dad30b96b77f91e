/**
 * Adaptive protection on three breakers in front of one in-process dependency:
 *
 * - a learned threshold: the dependency normally fails 8% of the time; a fixed 50% rule would not
 *   notice a rise to 35%, the adaptive rule (which learned the 8%) opens;
 * - client-side throttling: the dependency can only serve 30 of every 100 calls; the throttle sheds
 *   the excess locally (about 1 − 2·30/100 = 40%) instead of sending it to be refused;
 * - a recovery probe: after an outage nobody calls the breaker, yet it closes by itself once the
 *   dependency answers its probe again.
 *
 * Deterministic (a seeded random) and quick. Run: `npx tsx examples/adaptive.ts`.
 */
import { CircuitBreaker, type CircuitState } from 'breakwater';
import { runIfMain } from './support/runIfMain.js';

/** What {@link main} saw, for its test. */
export interface AdaptiveOutcome {
  learnedRate: number;
  adaptiveState: CircuitState;
  fixedState: CircuitState;
  throttledShare: number;
  probedState: CircuitState;
}

/** A small seeded PRNG (mulberry32), so that the example gives the same numbers every run. */
function seeded(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const failure = new Error('dependency failed');

/** Calls `breaker` `n` times with a dependency failing with probability `rate`. */
function traffic(breaker: CircuitBreaker, n: number, rate: number, random: () => number): void {
  for (let i = 0; i < n; i++) {
    try {
      breaker.callSync(() => {
        if (random() < rate) throw failure;
        return 'ok';
      });
    } catch {}
  }
}

export async function main(): Promise<AdaptiveOutcome> {
  const random = seeded(42);

  // 1. A learned threshold beside a fixed one, on the same traffic.
  const adaptive = new CircuitBreaker({ name: 'adaptive', failureRateThreshold: { adaptive: true } });
  const fixed = new CircuitBreaker({ name: 'fixed', failureRateThreshold: 0.5 });
  traffic(adaptive, 5000, 0.08, random); // learns: 10 windows' worth and more
  traffic(fixed, 5000, 0.08, random);
  const learnedRate = adaptive.metrics().adaptive?.baseline ?? 0;
  traffic(adaptive, 500, 0.35, random);
  traffic(fixed, 500, 0.35, random);

  // 2. Throttling a dependency that serves 30 calls out of every 100.
  const throttled = new CircuitBreaker({
    name: 'throttled',
    failureThreshold: false,
    throttle: true,
    random,
  });
  let refused = 0;
  let offered = 0;
  for (let round = 0; round < 200; round++) {
    let served = 0;
    for (let i = 0; i < 100; i++) {
      const permit = throttled.tryAcquire();
      if (round >= 100) offered++;
      if (permit === undefined) {
        if (round >= 100) refused++;
        continue;
      }
      if (served++ < 30) permit.success();
      else permit.failure(failure);
    }
  }

  // 3. A probe closes a breaker that no call reaches.
  let healthy = false;
  const probed = new CircuitBreaker({
    name: 'probed',
    failureThreshold: 1,
    resetTimeout: 50,
    probe: async () => {
      if (!healthy) throw failure;
      return 'pong';
    },
  });
  await probed.call(() => Promise.reject(failure)).catch(() => {});
  healthy = true; // the dependency recovers; nobody calls it
  await new Promise((resolve) => setTimeout(resolve, 150));

  const outcome = {
    learnedRate,
    adaptiveState: adaptive.state,
    fixedState: fixed.state,
    throttledShare: refused / offered,
    probedState: probed.state,
  };
  for (const breaker of [adaptive, fixed, throttled, probed]) breaker.dispose();
  return outcome;
}

runIfMain(import.meta.url, main);
