import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import { checkOptionsObject, checkRegistry } from '../exporters/checkOptions.js';
import { checkBuckets, DURATION_BUCKETS } from '../exporters/exportBuckets.js';
import { OUTCOMES, readRegistry, STATES, transitionCounts } from '../exporters/readRegistry.js';
import type { CircuitBreakerRegistry } from '../index.js';
import { expected } from '../options/describe.js';
import { DurationRecorder } from './DurationRecorder.js';

/** Options of {@link instrumentRegistry}. */
export interface InstrumentRegistryOptions {
  /** The meter to create the instruments with: `metrics.getMeter('my-service')` from `@opentelemetry/api`. */
  meter: Meter;
  /**
   * The bucket boundaries, in seconds, advised for `circuit_breaker.call.duration` (ascending, each
   * > 0): the SDK uses them unless a View of yours sets others. Give a bound a little above each
   * timeout you use (1.07·T), so that the calls that timed out are counted at their timeout.
   * @default DURATION_BUCKETS: 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.2675, 0.5, 0.535, 1, 1.07, 2,
   * 2.14, 2.5, 5, 5.35, 10, 10.7, 30, 60
   */
  buckets?: readonly number[];
}

/** What {@link instrumentRegistry} returns. */
export interface RegistryInstrumentation {
  /**
   * Stops reporting: removes the collection callback and every listener added to the registry and
   * its breakers. The instruments stay on the meter (OpenTelemetry cannot remove them) but report
   * nothing more. Calling it again does nothing.
   */
  stop(): void;
}

const OPTIONS = ['meter', 'buckets'] as const;
const NAME = 'circuit_breaker.name';
const METER_METHODS = [
  'createObservableGauge',
  'createObservableCounter',
  'createObservableUpDownCounter',
  'createHistogram',
  'addBatchObservableCallback',
  'removeBatchObservableCallback',
] as const;

/** Registries instrumented on each meter: twice would report every value twice. */
const instrumented = new WeakMap<Meter, WeakSet<CircuitBreakerRegistry>>();

/**
 * Reports a registry's breakers through OpenTelemetry metrics. Observable instruments are read at
 * collection time from what the breakers keep; the call duration is a synchronous histogram (an
 * asynchronous one does not exist) fed by each breaker's latency path (`latencySample`: every call
 * with a timeout, else the sampled ones, see `latencySampling`), the only thing it adds to a call. A
 * keyed group is one entry (`circuit_breaker.name` = the group's name) whatever its number of keys.
 * Counters never go down for the life of the process: `reset()` (local, or one the fleet sends),
 * forced states and a group's evictions keep what was counted, and a reset counts as a transition
 * (`from` its state, `to` closed). Breakers added later are followed, removed ones stop being
 * reported.
 *
 * Instruments, each with the attribute `circuit_breaker.name`: `circuit_breaker.state` (gauge, 1 for
 * the current `state`, 0 for the others; a group's worst), `circuit_breaker.calls` (counter, by
 * `outcome`: success, failure, timeout, rejected, ignored), `circuit_breaker.call.duration`
 * (histogram, `s`), `circuit_breaker.failure_rate` (gauge, 0..1), `circuit_breaker.transitions`
 * (counter, by `from` and `to`), `circuit_breaker.slow_calls`, `circuit_breaker.fallbacks`
 * (counters) and, for keyed groups, `circuit_breaker.group.breakers` (by `state`).
 *
 * `@opentelemetry/api` is not imported at runtime: the instruments come from the `meter` passed in.
 *
 * @param registry - The breakers to report.
 * @param options - `meter` (required) and `buckets` (the duration histogram's bucket advice).
 * @returns `{ stop() }`.
 * @throws TypeError for a registry, meter or option of the wrong type or an unknown option;
 * RangeError for `buckets` that are empty, not above 0 or not ascending; Error
 * when this registry is already instrumented on this meter (stop the first instrumentation first).
 * @example
 * ```ts
 * import { metrics } from '@opentelemetry/api';
 * import { instrumentRegistry } from 'breakwater/otel';
 *
 * const instrumentation = instrumentRegistry(registry, { meter: metrics.getMeter('checkout') });
 * // on shutdown:
 * instrumentation.stop();
 * ```
 */
export function instrumentRegistry(
  registry: CircuitBreakerRegistry,
  options: InstrumentRegistryOptions,
): RegistryInstrumentation {
  checkRegistry(registry);
  checkOptionsObject('instrumentRegistry', options, OPTIONS);
  const { meter, buckets } = options as Partial<InstrumentRegistryOptions>;
  checkMeter(meter);
  const boundaries = buckets === undefined ? DURATION_BUCKETS : checkBuckets(buckets);
  const seen = instrumented.get(meter) ?? new WeakSet<CircuitBreakerRegistry>();
  if (seen.has(registry)) {
    throw new Error(
      'instrumentRegistry(): this registry is already instrumented on this meter; call stop() on the ' +
        'first instrumentation before instrumenting it again',
    );
  }

  const state = meter.createObservableGauge('circuit_breaker.state', {
    description:
      'Circuit breaker state: 1 for the current state, 0 for the others (a keyed group: its worst)',
  });
  const calls = meter.createObservableCounter('circuit_breaker.calls', {
    description: 'Calls through the circuit breaker by outcome; a timed-out call counts as timeout only',
    unit: '{call}',
  });
  const failureRate = meter.createObservableGauge('circuit_breaker.failure_rate', {
    description: "Failures / calls in the circuit breaker's window (frozen while open)",
    unit: '1',
  });
  const transitions = meter.createObservableCounter('circuit_breaker.transitions', {
    description: 'State transitions of the circuit breaker, by from and to state',
    unit: '{transition}',
  });
  const slowCalls = meter.createObservableCounter('circuit_breaker.slow_calls', {
    description: 'Calls slower than slowCallDuration (timed only with a slow-call rule or listener)',
    unit: '{call}',
  });
  const fallbacks = meter.createObservableCounter('circuit_breaker.fallbacks', {
    description: 'Fallbacks the circuit breaker served',
    unit: '{fallback}',
  });
  const groupBreakers = meter.createObservableUpDownCounter('circuit_breaker.group.breakers', {
    description: 'Breakers of a keyed group per state',
    unit: '{breaker}',
  });
  const duration = meter.createHistogram('circuit_breaker.call.duration', {
    description:
      'Duration of the timed calls through the circuit breaker (every call with a timeout, else sampled: latencySampling)',
    unit: 's',
    advice: { explicitBucketBoundaries: [...boundaries] },
  });

  const observables: Observable[] = [
    state,
    calls,
    failureRate,
    transitions,
    slowCalls,
    fallbacks,
    groupBreakers,
  ];
  const observe: BatchObservableCallback = (result) => {
    for (const reading of readRegistry(registry, false)) {
      const name = reading.name;
      for (const s of STATES) result.observe(state, reading.state === s ? 1 : 0, { [NAME]: name, state: s });
      for (const outcome of OUTCOMES)
        result.observe(calls, reading.calls[outcome], { [NAME]: name, outcome });
      result.observe(failureRate, reading.failureRate, { [NAME]: name });
      for (const [from, to, count] of transitionCounts(reading.transitions)) {
        result.observe(transitions, count, { [NAME]: name, from, to });
      }
      result.observe(slowCalls, reading.slowCalls, { [NAME]: name });
      result.observe(fallbacks, reading.fallbacks, { [NAME]: name });
      const members = reading.members;
      if (members !== undefined) {
        for (const s of STATES) result.observe(groupBreakers, members[s], { [NAME]: name, state: s });
      }
    }
  };
  const recorder = new DurationRecorder(duration, registry);
  meter.addBatchObservableCallback(observe, observables);
  recorder.start();
  seen.add(registry);
  instrumented.set(meter, seen);

  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      meter.removeBatchObservableCallback(observe, observables);
      recorder.stop();
      seen.delete(registry);
    },
  };
}

function checkMeter(meter: unknown): asserts meter is Meter {
  const m = meter as Partial<Record<(typeof METER_METHODS)[number], unknown>> | null | undefined;
  if (
    typeof m !== 'object' ||
    m === null ||
    METER_METHODS.some((method) => typeof m[method] !== 'function')
  ) {
    throw new TypeError(
      expected(
        'meter',
        "an OpenTelemetry Meter (`metrics.getMeter('my-service')` from @opentelemetry/api)",
        meter,
      ),
    );
  }
}
