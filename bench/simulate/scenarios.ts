import type { DependencyModel } from './Dependency.js';
import type { Scenario } from './Scenario.js';
import {
  adaptive,
  adaptiveThrottle,
  bulkhead,
  fixed,
  fixedProbe,
  limit,
  limitRetriesBudget,
  noBreaker,
  noRetries,
  retries,
  retriesBudget,
  throttle,
} from './Variant.js';

/** 8 workers of 40 ms each: a capacity of 200 calls/s; up to 500 calls wait, one more is refused. */
export const MODEL: DependencyModel = { workers: 8, serviceTime: 40, queueLimit: 500, busyLatency: 2 };

/** 120 calls/s against a capacity of 200: the dependency runs at 60% utilisation. */
const RATE = 120;
const TIMEOUT = 1_000;
const MINUTE = 60_000;
/** Options every breaker shares: a 10 s open period (the default count window of 100 calls). */
const BREAKER = { resetTimeout: 10_000 };

const FIVE = [noBreaker, fixed, adaptive, throttle, adaptiveThrottle];
/** The concurrency limits: adaptive, and the fixed sizes DESIGN section 10 measured. */
const LIMITS = [limit, bulkhead(12), bulkhead(20), bulkhead(40)];

/**
 * 24 workers of 80 ms each: a capacity of 300 calls/s. At 240 calls/s (80% utilisation) about 20
 * calls are in flight on average, and bursts need 30 and more.
 */
export const BUSY_MODEL: DependencyModel = { workers: 24, serviceTime: 80, queueLimit: 500, busyLatency: 2 };

/** What the adaptive limit must keep, with the fixed sizes compared. */
const LIMIT_GOALS = {
  brownout: 70,
  severe: 21,
  healthyShare: 0.1,
} as const;

/** The scenarios of `npm run simulate`, in report order. */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'outage',
    title: 'Hard outage with recovery',
    summary:
      'The dependency runs normally (0.1% errors) for 3 minutes, then goes down for 2 minutes: ' +
      'every call hangs until the client gives up after 1 s. Then it is healthy again for 5 minutes.',
    rate: RATE,
    duration: 10 * MINUTE,
    settledAfter: MINUTE,
    clientTimeout: TIMEOUT,
    model: MODEL,
    errorRate: 0.001,
    fault: { kind: 'outage', start: 3 * MINUTE, end: 5 * MINUTE },
    breaker: BREAKER,
    variants: [...FIVE, ...LIMITS],
    claims: [
      {
        variant: 'fixed',
        than: 'no breaker',
        measure: 'wasted',
        better: 'lower',
        says: 'sends fewer calls into the outage than',
      },
      {
        variant: 'fixed',
        than: 'no breaker',
        measure: 'p99',
        better: 'lower',
        says: "keeps clients' p99 latency below",
      },
      {
        variant: 'adaptive',
        than: 'fixed',
        measure: 'detect',
        better: 'lower',
        says: 'detects the outage sooner than',
      },
      {
        variant: 'adaptive',
        than: 'fixed',
        measure: 'wasted',
        better: 'lower',
        says: 'wastes fewer calls than',
      },
      {
        variant: 'adaptive + throttle',
        than: 'fixed',
        measure: 'detect',
        better: 'lower',
        says: 'detects the outage sooner than',
      },
      {
        variant: 'throttle',
        than: 'fixed',
        measure: 'recover',
        better: 'no higher',
        tolerance: 1_000,
        says: 'recovers as fast as',
      },
      {
        variant: 'adaptive + throttle',
        than: 'fixed',
        measure: 'recover',
        better: 'no higher',
        tolerance: 1_000,
        says: 'recovers as fast as',
      },
      {
        variant: 'fixed + limit',
        than: 'fixed',
        measure: 'wasted',
        better: 'no higher',
        says: 'wastes no more calls on the outage than',
      },
      {
        variant: 'fixed + limit',
        than: 'fixed',
        measure: 'recover',
        better: 'no higher',
        tolerance: 1_000,
        says: 'serves users again after the outage as soon as',
      },
    ],
  },
  {
    id: 'brownout',
    title: 'Brown-out: capacity drops to 40%',
    summary:
      'After 3 normal minutes the dependency keeps working at 40% of its capacity (80 calls/s against ' +
      '120 offered) for 2 to 2.5 minutes (the end is drawn per seed, the same for every variant, so ' +
      'that it falls anywhere in a breaker’s open and close cycle), then recovers. Its queue fills and ' +
      "its latency passes the client's timeout: served or not, calls fail.",
    rate: RATE,
    duration: 10 * MINUTE,
    settledAfter: MINUTE,
    clientTimeout: TIMEOUT,
    model: MODEL,
    errorRate: 0.001,
    fault: { kind: 'brownout', start: 3 * MINUTE, end: 5 * MINUTE, endJitter: 30_000, capacity: 0.4 },
    breaker: BREAKER,
    variants: [...FIVE, ...LIMITS],
    claims: [
      {
        variant: 'fixed',
        than: 'no breaker',
        measure: 'faultGoodput',
        better: 'higher',
        says: 'keeps more goodput through the brown-out than',
      },
      {
        variant: 'throttle',
        than: 'fixed',
        measure: 'faultGoodput',
        better: 'higher',
        says: 'keeps more goodput through the brown-out than',
      },
      {
        variant: 'adaptive + throttle',
        than: 'fixed',
        measure: 'faultGoodput',
        better: 'higher',
        says: 'keeps more goodput through the brown-out than',
      },
      {
        variant: 'throttle',
        than: 'fixed',
        measure: 'wasted',
        better: 'lower',
        says: 'wastes fewer calls than',
      },
      {
        variant: 'adaptive',
        than: 'fixed',
        measure: 'detect',
        better: 'lower',
        says: 'detects the brown-out sooner than',
      },
      {
        variant: 'throttle',
        than: 'fixed',
        measure: 'recover',
        better: 'no higher',
        tolerance: 1_000,
        says: 'recovers as fast as',
      },
      {
        variant: 'adaptive',
        than: 'fixed',
        measure: 'recover',
        better: 'no higher',
        tolerance: 1_000,
        says: 'recovers as fast as',
      },
      {
        variant: 'adaptive + throttle',
        than: 'fixed',
        measure: 'recover',
        better: 'no higher',
        tolerance: 1_000,
        says: 'recovers as fast as',
      },
      {
        variant: 'fixed + limit',
        measure: 'faultGoodput',
        bound: 'at least',
        value: LIMIT_GOALS.brownout,
        says: `keeps at least ${LIMIT_GOALS.brownout} calls/s of goodput through the brown-out`,
      },
      {
        variant: 'fixed + limit',
        than: 'fixed',
        measure: 'recover',
        better: 'no higher',
        tolerance: 1_000,
        says: 'recovers as fast as',
      },
    ],
  },
  {
    id: 'errors8',
    title: 'A dependency whose normal error rate is 8%',
    summary:
      'No fault at all for 10 minutes: 8% of calls fail, at random, as they always do. Every opening ' +
      'is a false trip and every refusal a call lost for nothing.',
    rate: RATE,
    duration: 10 * MINUTE,
    clientTimeout: TIMEOUT,
    model: MODEL,
    errorRate: 0.08,
    breaker: BREAKER,
    variants: FIVE,
    claims: [
      {
        variant: 'adaptive',
        than: 'fixed',
        measure: 'flaps',
        better: 'no higher',
        says: 'flaps no more than',
      },
      {
        variant: 'adaptive',
        than: 'fixed',
        measure: 'refusedWhileHealthy',
        better: 'no higher',
        says: 'refuses no more calls for nothing than',
      },
      {
        variant: 'throttle',
        than: 'fixed',
        measure: 'refusedWhileHealthy',
        better: 'no higher',
        says: 'refuses no more calls for nothing than',
      },
      {
        variant: 'adaptive + throttle',
        than: 'fixed',
        measure: 'refusedWhileHealthy',
        better: 'no higher',
        says: 'refuses no more calls for nothing than',
      },
    ],
  },
  {
    id: 'quiet',
    title: 'Hard outage of a quiet service',
    summary:
      'One call every 10 s on average. After 10 normal minutes the dependency is down for 5 minutes ' +
      '(calls hang until the 1 s timeout), then healthy for 15. The breakers use a count window of 10 ' +
      'calls (100 would take minutes to fill). Without a probe, a half-open breaker waits for the ' +
      "next live call to test the dependency, and that call is a user's.",
    rate: 0.1,
    duration: 30 * MINUTE,
    clientTimeout: TIMEOUT,
    model: MODEL,
    errorRate: 0.001,
    fault: { kind: 'outage', start: 10 * MINUTE, end: 15 * MINUTE },
    breaker: { ...BREAKER, window: { type: 'count', size: 10 } },
    variants: [noBreaker, fixed, fixedProbe],
    claims: [
      {
        variant: 'fixed + probe',
        than: 'fixed',
        measure: 'wasted',
        better: 'lower',
        says: "sends fewer users' calls into the outage than",
      },
      {
        variant: 'fixed + probe',
        than: 'fixed',
        measure: 'closedAfter',
        better: 'lower',
        says: 'closes sooner after the outage than',
      },
      {
        variant: 'fixed + probe',
        than: 'fixed',
        measure: 'recover',
        better: 'no higher',
        tolerance: 1_000,
        says: 'serves users again as soon as',
      },
    ],
  },
  {
    id: 'severe',
    title: 'Severe brown-out: capacity drops to 12.5%',
    summary:
      'After 3 normal minutes the dependency keeps working at 12.5% of its capacity (25 calls/s against ' +
      '120 offered) for 2 minutes, then recovers for 5. Every service time is 8 times as long (320 ms ' +
      "on average): a queue of a few dozen calls already passes the client's 1 s timeout.",
    rate: RATE,
    duration: 10 * MINUTE,
    settledAfter: MINUTE,
    clientTimeout: TIMEOUT,
    model: MODEL,
    errorRate: 0.001,
    fault: { kind: 'brownout', start: 3 * MINUTE, end: 5 * MINUTE, capacity: 0.125 },
    breaker: BREAKER,
    variants: [noBreaker, fixed, ...LIMITS],
    claims: [
      {
        variant: 'fixed + limit',
        measure: 'faultGoodput',
        bound: 'at least',
        value: LIMIT_GOALS.severe,
        says: `keeps at least ${LIMIT_GOALS.severe} calls/s of goodput through the severe brown-out`,
      },
      {
        variant: 'fixed + limit',
        than: 'fixed',
        measure: 'faultGoodput',
        better: 'higher',
        says: 'keeps more goodput through the severe brown-out than',
      },
    ],
  },
  {
    id: 'busy',
    title: 'A healthy dependency that needs about 24 calls in flight',
    summary:
      'No fault for 10 minutes: a dependency of 24 workers of 80 ms (300 calls/s) receives 240 calls/s, ' +
      '0.1% of which fail as usual. About 20 calls are in flight on average and bursts need well over ' +
      '30: a concurrency limit refuses calls for nothing unless it has learned that. Refusals are ' +
      'counted after the first minute, once an adaptive limit has settled.',
    rate: 240,
    duration: 10 * MINUTE,
    settledAfter: MINUTE,
    clientTimeout: TIMEOUT,
    model: BUSY_MODEL,
    errorRate: 0.001,
    breaker: BREAKER,
    variants: [noBreaker, fixed, ...LIMITS],
    claims: [
      {
        variant: 'fixed + limit',
        measure: 'refusedShare',
        bound: 'below',
        value: LIMIT_GOALS.healthyShare,
        says: `refuses under ${LIMIT_GOALS.healthyShare}% of the calls once it has settled`,
      },
    ],
  },
  {
    id: 'storm',
    title: 'Retry storm: clients that retry 3 times in a brown-out',
    summary:
      'The brown-out of the second scenario (80 calls/s of capacity against 120 offered, for 2 minutes), ' +
      'with clients that retry a failed call up to 3 times (waits of 100, 200 and 400 ms at most, full ' +
      'jitter), without and with one shared `RetryBudget` (its defaults: retries add at most 10% of the ' +
      'calls over 10 s, plus 10 per second). Goodput counts client calls that succeeded at any attempt; ' +
      'the load is every attempt the dependency received.',
    rate: RATE,
    duration: 10 * MINUTE,
    clientTimeout: TIMEOUT,
    model: MODEL,
    errorRate: 0.001,
    fault: { kind: 'brownout', start: 3 * MINUTE, end: 5 * MINUTE, capacity: 0.4 },
    breaker: BREAKER,
    variants: [noRetries, retries, retriesBudget, limitRetriesBudget],
    claims: [
      {
        variant: 'retries + budget',
        than: 'retries',
        measure: 'faultLoad',
        better: 'lower',
        says: 'sends the dependency less load in the brown-out than',
      },
      {
        variant: 'retries + budget',
        than: 'no retries',
        measure: 'recover',
        better: 'no higher',
        tolerance: 1_000,
        says: 'recovers after the brown-out as fast as',
      },
      {
        variant: 'limit + retries + budget',
        than: 'retries',
        measure: 'faultGoodput',
        better: 'higher',
        says: 'keeps more goodput through the brown-out than',
      },
    ],
  },
];
