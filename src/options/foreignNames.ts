import { describe } from './describe.js';

/** What an option of another breaker library is called here, given the value it was set to. */
type Hint = (value: unknown) => string;

const percent =
  (name: string): Hint =>
  (value) =>
    typeof value === 'number' && value > 0 && value <= 100
      ? `use \`${name}: ${value / 100}\` (a share in (0, 1], not a percentage)`
      : `use \`${name}\` (a share in (0, 1], not a percentage)`;
const same =
  (name: string, note = ''): Hint =>
  (value) =>
    `use \`${name}: ${describe(value)}\`${note}`;
const plain =
  (text: string): Hint =>
  () =>
    text;

/**
 * @internal Options of opossum, cockatiel and resilience4j (by the names their JavaScript users
 * write) with their breakwater equivalent, so that an unknown option guides a migration.
 */
const FOREIGN: ReadonlyMap<string, Hint> = new Map<string, Hint>([
  // opossum
  ['errorThresholdPercentage', percent('failureRateThreshold')],
  ['volumeThreshold', same('minimumCalls')],
  ['capacity', same('maxConcurrentCalls')],
  ['maxFailures', same('failureThreshold')],
  ['rollingCountTimeout', (v) => `use \`window: { type: 'time', duration: ${describe(v)} }\``],
  ['rollingCountBuckets', (v) => `use \`window: { type: 'time', buckets: ${describe(v)} }\``],
  [
    'errorFilter',
    plain('use `isFailure` (it returns true for errors that count, the opposite of errorFilter)'),
  ],
  ['abortController', plain('pass `{ signal }` per call: `breaker.call(fn, { signal })`')],
  ['allowWarmUp', plain('use `minimumCalls`: no rule trips before the window holds that many calls')],
  ['enabled', plain('use `breaker.forceClose()` to stop tripping, and `reset()` to resume')],
  // cockatiel
  ['halfOpenAfter', same('resetTimeout')],
  [
    'breaker',
    plain(
      'use `failureThreshold` (ConsecutiveBreaker) or `failureRateThreshold` with `window` (SamplingBreaker)',
    ),
  ],
  // resilience4j
  ['slidingWindowSize', (v) => `use \`window: { type: 'count', size: ${describe(v)} }\``],
  ['slidingWindowType', plain("use `window: { type: 'count' | 'time', ... }`")],
  ['minimumNumberOfCalls', same('minimumCalls')],
  ['waitDurationInOpenState', same('resetTimeout', ' (ms)')],
  ['permittedNumberOfCallsInHalfOpenState', same('halfOpenMaxCalls')],
  ['maxWaitDurationInHalfOpenState', same('halfOpenTimeout', ' (ms)')],
  ['slowCallDurationThreshold', same('slowCallDuration', ' (ms)')],
  ['recordExceptions', same('include')],
  ['ignoreExceptions', same('exclude')],
  ['recordFailurePredicate', same('isFailure')],
  [
    'automaticTransitionFromOpenToHalfOpenEnabled',
    plain('omit it: breakwater always moves to half-open on time'),
  ],
]);

/** @internal For an option of another library: its breakwater equivalent, e.g. "use `failureRateThreshold: 0.5`". */
export function foreignHint(key: string, value: unknown): string | undefined {
  return FOREIGN.get(key)?.(value);
}

/**
 * @internal For a share option given a percentage (resilience4j's `failureRateThreshold: 50`, or
 * `CB_X_FAILURE_RATE_THRESHOLD=50`): "; did you mean `0.5`? …", to append to the RangeError. Empty
 * for a value that does not read as a percentage: outside [2, 100] (a `1.5` is more likely a slip
 * than 1.5%).
 */
export function percentHint(value: number): string {
  return value >= 2 && value <= 100
    ? `; did you mean \`${value / 100}\`? (a share in (0, 1], not a percentage as resilience4j takes)`
    : '';
}
