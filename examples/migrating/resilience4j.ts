/**
 * `resilience4j.yml` ported to breakwater: the options of a breaker that opens, waits and recovers
 * where the resilience4j configuration does. Option by option (resilience4j's default in brackets,
 * then breakwater's):
 *
 * - `failureRateThreshold: 50` [50] → `failureRateThreshold: 0.5` (a share; off unless given). Both
 *   open when the rate is equal or greater.
 * - `slidingWindowType: COUNT_BASED`, `slidingWindowSize: 10` [COUNT_BASED, 100] →
 *   `window: { type: 'count', size: 10 }` [count, 100]. `TIME_BASED` with a size in seconds is
 *   `window: { type: 'time', duration: size × 1000 }`.
 * - `minimumNumberOfCalls: 5` [100] → `minimumCalls: 5` [10 with a rate rule, or the window's size if
 *   smaller].
 * - `waitDurationInOpenState: 10s` [60 s] → `resetTimeout: 10_000` [60_000].
 * - `automaticTransitionFromOpenToHalfOpenEnabled: true` [false] → nothing: breakwater always reads
 *   `half_open` once the wait is over (`breaker.state` is exact), and its `halfOpen` event comes on
 *   time when something listens.
 * - `permittedNumberOfCallsInHalfOpenState: 3` [10] → `halfOpenMaxCalls: 3` [1] and
 *   `successThreshold: 3` [1]. resilience4j lets 3 trial calls through and then compares their
 *   failure rate with the threshold; breakwater closes after 3 successful trials and re-opens on the
 *   first failed one (stricter: 1 failure in 3 re-opens it, where resilience4j, at 33% < 50%, closes).
 * - `slowCallRateThreshold: 100` [100] → `slowCallRateThreshold: 1` (off unless given);
 *   `slowCallDurationThreshold: 2s` [60 s] → `slowCallDuration: 2_000` [60_000].
 * - `recordExceptions` → `include`, `ignoreExceptions` → `exclude`. One difference: an error in
 *   neither list counts as a *success* in resilience4j and is *ignored* (not counted) in breakwater.
 * - `maxWaitDurationInHalfOpenState` [0: wait forever] → `halfOpenTimeout` [30_000].
 * - `CallNotPermittedException` → `CircuitBreakerOpenError`.
 */
import { CircuitBreaker, type CircuitBreakerOptions, type Clock } from 'breakwater';

/** java.io.IOException's counterpart: the connection failed. */
export class IOError extends Error {
  override readonly name = 'IOError';
}
/** java.util.concurrent.TimeoutException's counterpart. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
}
/** A business error: the dependency answered, so it is no sign of its failing. */
export class OutOfStockError extends Error {
  override readonly name = 'OutOfStockError';
}

/** The `inventory` instance of resilience4j.yml, in breakwater's options. */
export const inventoryOptions = {
  name: 'inventory',
  failureRateThreshold: 0.5, // failureRateThreshold: 50
  window: { type: 'count', size: 10 }, // slidingWindowType: COUNT_BASED, slidingWindowSize: 10
  minimumCalls: 5, // minimumNumberOfCalls: 5
  resetTimeout: 10_000, // waitDurationInOpenState: 10s
  halfOpenMaxCalls: 3, // permittedNumberOfCallsInHalfOpenState: 3 ...
  successThreshold: 3, // ... all three must succeed to close
  slowCallRateThreshold: 1, // slowCallRateThreshold: 100
  slowCallDuration: 2_000, // slowCallDurationThreshold: 2s
  include: [IOError, RequestTimeoutError], // recordExceptions
  exclude: [OutOfStockError], // ignoreExceptions
} as const satisfies CircuitBreakerOptions;

/**
 * The `inventory` breaker.
 * @param clock - Its clock (a `FakeClock` in tests). @default the system clock
 * @returns A breaker configured as resilience4j.yml's `inventory` instance.
 */
export function createInventoryBreaker(clock?: Clock): CircuitBreaker {
  return new CircuitBreaker({ ...inventoryOptions, ...(clock === undefined ? {} : { clock }) });
}
