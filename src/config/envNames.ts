import type { ValueKind } from './envValues.js';

/** @internal The option a variable sets (`window.*` and `backoff.*` are nested). */
export type Target =
  | 'failureThreshold'
  | 'failureRateThreshold'
  | 'slowCallRateThreshold'
  | 'slowCallDuration'
  | 'minimumCalls'
  | 'resetTimeout'
  | 'backoff'
  | 'halfOpenMaxCalls'
  | 'successThreshold'
  | 'halfOpenTimeout'
  | 'timeout'
  | 'maxConcurrentCalls'
  | 'latencySampling'
  | 'critical'
  | 'window.type'
  | 'window.size'
  | 'window.duration'
  | 'window.buckets'
  | 'backoff.multiplier'
  | 'backoff.max'
  | 'backoff.jitter'
  | 'failureRateThreshold.min'
  | 'failureRateThreshold.max'
  | 'failureRateThreshold.sensitivity'
  | 'throttle'
  | 'throttle.k'
  | 'throttle.duration'
  | 'throttle.maxRejection'
  | 'maxConcurrentCalls.min'
  | 'maxConcurrentCalls.max'
  | 'maxConcurrentCalls.initial';

/** @internal What a variable name means. */
export interface Spec {
  readonly target: Target;
  readonly kind: ValueKind;
  /** For a legacy alias: the canonical variable it stands for. */
  readonly aliasOf?: string;
}

const INT: ValueKind = { type: 'integer', off: false };
const INT_OR_OFF: ValueKind = { type: 'integer', off: true };
const RATE_OR_OFF: ValueKind = { type: 'rate', off: true };
const RATE: ValueKind = { type: 'rate', off: false };
const DURATION: ValueKind = { type: 'duration', min: 0, off: false };
const POSITIVE_DURATION: ValueKind = { type: 'duration', min: 'positive', off: false };
/** Durations a timer waits for: at most 2^31-1 ms. */
const TIMER: ValueKind = { type: 'duration', min: 0, off: false, timer: true };
const POSITIVE_TIMER: ValueKind = { type: 'duration', min: 'positive', off: false, timer: true };

/** @internal Every variable name after the prefix. A Map, so that no name can reach `Object.prototype`. */
export const NAMES: ReadonlyMap<string, Spec> = new Map<string, Spec>([
  ['FAILURE_THRESHOLD', { target: 'failureThreshold', kind: INT_OR_OFF }],
  [
    'FAILURE_RATE_THRESHOLD',
    { target: 'failureRateThreshold', kind: { type: 'rate', off: true, adaptive: true } },
  ],
  ['SLOW_CALL_RATE_THRESHOLD', { target: 'slowCallRateThreshold', kind: RATE_OR_OFF }],
  ['SLOW_CALL_DURATION', { target: 'slowCallDuration', kind: DURATION }],
  ['MINIMUM_CALLS', { target: 'minimumCalls', kind: INT }],
  ['RESET_TIMEOUT', { target: 'resetTimeout', kind: TIMER }],
  ['BACKOFF', { target: 'backoff', kind: { type: 'boolean', off: true } }],
  ['HALF_OPEN_MAX_CALLS', { target: 'halfOpenMaxCalls', kind: INT }],
  ['SUCCESS_THRESHOLD', { target: 'successThreshold', kind: INT }],
  ['HALF_OPEN_TIMEOUT', { target: 'halfOpenTimeout', kind: POSITIVE_TIMER }],
  ['TIMEOUT', { target: 'timeout', kind: { type: 'duration', min: 'positive', off: true, timer: true } }],
  [
    'MAX_CONCURRENT_CALLS',
    { target: 'maxConcurrentCalls', kind: { type: 'integer', off: true, adaptive: true } },
  ],
  ['LATENCY_SAMPLING', { target: 'latencySampling', kind: { type: 'share' } }],
  ['CRITICAL', { target: 'critical', kind: { type: 'boolean', off: false } }],
  ['WINDOW_TYPE', { target: 'window.type', kind: { type: 'windowType' } }],
  ['WINDOW_SIZE', { target: 'window.size', kind: INT }],
  ['WINDOW_DURATION', { target: 'window.duration', kind: POSITIVE_DURATION }],
  ['WINDOW_BUCKETS', { target: 'window.buckets', kind: INT }],
  ['BACKOFF_MULTIPLIER', { target: 'backoff.multiplier', kind: { type: 'multiplier' } }],
  ['BACKOFF_MAX', { target: 'backoff.max', kind: POSITIVE_TIMER }],
  ['BACKOFF_JITTER', { target: 'backoff.jitter', kind: { type: 'share' } }],
  ['ADAPTIVE_MIN', { target: 'failureRateThreshold.min', kind: RATE }],
  ['ADAPTIVE_MAX', { target: 'failureRateThreshold.max', kind: RATE }],
  ['ADAPTIVE_SENSITIVITY', { target: 'failureRateThreshold.sensitivity', kind: { type: 'positive' } }],
  ['THROTTLE', { target: 'throttle', kind: { type: 'boolean', off: true } }],
  ['THROTTLE_K', { target: 'throttle.k', kind: { type: 'multiplier' } }],
  ['THROTTLE_DURATION', { target: 'throttle.duration', kind: POSITIVE_DURATION }],
  ['THROTTLE_MAX_REJECTION', { target: 'throttle.maxRejection', kind: { type: 'share' } }],
  ['CONCURRENCY_LIMIT_MIN', { target: 'maxConcurrentCalls.min', kind: INT }],
  ['CONCURRENCY_LIMIT_MAX', { target: 'maxConcurrentCalls.max', kind: INT }],
  ['CONCURRENCY_LIMIT_INITIAL', { target: 'maxConcurrentCalls.initial', kind: INT }],
  // The names existing deployments use.
  [
    'RECOVERY_TIMEOUT_SECONDS',
    {
      target: 'resetTimeout',
      kind: { type: 'seconds', min: 0, off: false, timer: true },
      aliasOf: 'RESET_TIMEOUT',
    },
  ],
  ['MINIMUM_REQUEST_THRESHOLD', { target: 'minimumCalls', kind: INT, aliasOf: 'MINIMUM_CALLS' }],
  [
    'REQUEST_TIMEOUT_SECONDS',
    {
      target: 'timeout',
      kind: { type: 'seconds', min: 'positive', off: true, timer: true },
      aliasOf: 'TIMEOUT',
    },
  ],
  ['EXPONENTIAL_BACKOFF', { target: 'backoff', kind: { type: 'boolean', off: true }, aliasOf: 'BACKOFF' }],
  [
    'MAX_BACKOFF_SECONDS',
    {
      target: 'backoff.max',
      kind: { type: 'seconds', min: 'positive', off: false, timer: true },
      aliasOf: 'BACKOFF_MAX',
    },
  ],
  [
    'SLOW_CALL_THRESHOLD_MS',
    { target: 'slowCallDuration', kind: { type: 'ms' }, aliasOf: 'SLOW_CALL_DURATION' },
  ],
]);

/** @internal Word counts of the known names, for the near-miss rule. */
export const WORD_COUNTS: ReadonlyMap<string, number> = new Map(
  [...NAMES.keys()].map((n) => [n, n.split('_').length]),
);
