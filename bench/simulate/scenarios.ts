import type { DependencyModel } from './Dependency.js';
import type { Scenario } from './Scenario.js';
import { adaptive, adaptiveThrottle, fixed, fixedProbe, noBreaker, throttle } from './Variant.js';

/** 8 workers of 40 ms each: a capacity of 200 calls/s; up to 500 calls wait, one more is refused. */
export const MODEL: DependencyModel = { workers: 8, serviceTime: 40, queueLimit: 500, busyLatency: 2 };

/** 120 calls/s against a capacity of 200: the dependency runs at 60% utilisation. */
const RATE = 120;
const TIMEOUT = 1_000;
const MINUTE = 60_000;
/** Options every breaker shares: a 10 s open period (the default count window of 100 calls). */
const BREAKER = { resetTimeout: 10_000 };

const FIVE = [noBreaker, fixed, adaptive, throttle, adaptiveThrottle];

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
    clientTimeout: TIMEOUT,
    model: MODEL,
    errorRate: 0.001,
    fault: { kind: 'outage', start: 3 * MINUTE, end: 5 * MINUTE },
    breaker: BREAKER,
    variants: FIVE,
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
    clientTimeout: TIMEOUT,
    model: MODEL,
    errorRate: 0.001,
    fault: { kind: 'brownout', start: 3 * MINUTE, end: 5 * MINUTE, endJitter: 30_000, capacity: 0.4 },
    breaker: BREAKER,
    variants: FIVE,
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
];
