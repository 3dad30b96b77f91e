/**
 * `opossum-original.ts` ported to breakwater: the same price lookup, opening, recovering and falling
 * back as the opossum program does. What changed, line by line:
 *
 * - opossum's defaults are not breakwater's, so the port states them: a rolling window of 10 s in 10
 *   buckets (`rollingCountTimeout`, `rollingCountBuckets`) is `window: { type: 'time', duration:
 *   10_000, buckets: 10 }`, and `volumeThreshold: 0` (any number of calls may trip it) is
 *   `minimumCalls: 1`. Without them a breakwater breaker counts the last 100 calls and waits for 10
 *   before a rate rule may trip: the ported program would not open where opossum does.
 * - `errorThresholdPercentage: 50` is `failureRateThreshold: 0.5` (a share). opossum opens *above*
 *   the percentage and breakwater *at* it: at exactly half the calls failing breakwater opens and
 *   opossum does not (the test shows it).
 * - `breaker.fire(sku)` is `breaker.call(({ signal }) => fetchPrice(sku, signal))`: the function gets
 *   a signal that aborts on the timeout, where opossum lets a timed-out call run on.
 * - `breaker.fallback(fn)` is the `fallback` option (here per call, so that it sees `sku` as opossum's
 *   fallback sees `fire()`'s arguments).
 * - Events: `open`, `halfOpen`, `close` and `fallback` keep their names (`halfOpen` comes on time,
 *   from a timer, as opossum's does).
 * - `breaker.stats` is `breaker.metrics()`: cumulative totals since creation (opossum's are the last
 *   10 s), plus the window's own figures (`windowCalls`, `failureRate`).
 * - `breaker.shutdown()` is `breaker.dispose()`.
 */
import { CircuitBreaker, type Clock } from 'breakwater';
import type { PriceService } from './priceService.js';

/**
 * A price lookup protected by breakwater, behaving as the opossum program does.
 * @param fetchPrice - The dependency: resolves with a price, or rejects; may stop on `signal`.
 * @param log - Where the breaker's events go (a line each).
 * @param clock - The breaker's clock (a `FakeClock` in tests). @default the system clock
 * @returns The service.
 */
export function createPriceService(
  fetchPrice: (sku: string, signal: AbortSignal) => Promise<number>,
  log: (line: string) => void,
  clock?: Clock,
): PriceService {
  const breaker = new CircuitBreaker({
    name: 'prices',
    timeout: 3000, // opossum's `timeout`
    failureRateThreshold: 0.5, // errorThresholdPercentage: 50
    resetTimeout: 30_000, // the same name, the same meaning
    window: { type: 'time', duration: 10_000, buckets: 10 }, // opossum's default rolling window
    minimumCalls: 1, // opossum's default volumeThreshold: 0
    ...(clock === undefined ? {} : { clock }),
  });
  breaker.on('open', () => log('open'));
  breaker.on('halfOpen', () => log('halfOpen'));
  breaker.on('close', () => log('close'));

  return {
    price: (sku) =>
      breaker.call<number | string>(({ signal }) => fetchPrice(sku, signal), {
        fallback: () => {
          const result = `${sku}: price unavailable`;
          log(`fallback: ${result}`); // opossum's 'fallback' event carries the fallback's result
          return result;
        },
      }),
    stats: () => {
      const m = breaker.metrics();
      return {
        fires: m.totalCalls,
        successes: m.successfulCalls,
        failures: m.failedCalls,
        rejects: m.rejectedCalls,
        timeouts: m.timeouts,
        fallbacks: m.fallbacks,
      };
    },
    shutdown: () => breaker.dispose(),
  };
}
