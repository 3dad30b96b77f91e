import { checkOptionsObject, checkRegistry } from '../exporters/checkOptions.js';
import { exportBucketsOf } from '../exporters/exportBuckets.js';
import type { CircuitBreakerRegistry } from '../index.js';
import { expected } from '../options/describe.js';
import type { MetricsRegister } from './MetricsRegister.js';
import { metricFamilies } from './metricFamilies.js';
import { ScrapeReading } from './ScrapeReading.js';

/** Options of {@link registerMetrics}. */
export interface RegisterMetricsOptions {
  /** The prom-client registry to add the metrics to: `register` (the global one) or a `new Registry()`. */
  register: MetricsRegister;
  /**
   * Replaces `circuit_breaker_` at the start of every metric name (`'payments_cb_'` gives
   * `payments_cb_state`, ...). Letters, digits, `_` and `:`, not starting with a digit; may be empty.
   * @default 'circuit_breaker_'
   */
  prefix?: string;
  /**
   * The upper bounds, in seconds, of `circuit_breaker_call_duration_seconds` (ascending, each > 0;
   * `+Inf` is added). A breaker's latency histogram is re-bucketed into them: each of its buckets
   * (1/8 of a power of two wide) is counted under the smallest bound at or above its upper edge, so a
   * duration is never counted below its own value. Use the same bounds in every process, so that
   * the fleet's histograms add up. Give a bound a little above each timeout you use (1.07·T), so
   * that the calls that timed out are counted at their timeout rather than under the next bound.
   * @default DURATION_BUCKETS: 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.2675, 0.5, 0.535, 1, 1.07, 2,
   * 2.14, 2.5, 5, 5.35, 10, 10.7, 30, 60
   */
  buckets?: readonly number[];
}

/** What {@link registerMetrics} returns: the metrics it registered, and how to remove them. */
export interface PrometheusMetrics {
  /** The names of the metrics registered, `circuit_breaker_state` first. */
  readonly names: readonly string[];
  /**
   * Removes the metrics from the register (only those still registered by this call). Calling it
   * again does nothing.
   */
  unregister(): void;
}

const OPTIONS = ['register', 'prefix', 'buckets'] as const;
const METRIC_NAME = /^(?:[a-zA-Z_:][a-zA-Z0-9_:]*)?$/;

/**
 * Exports a registry's breakers to Prometheus through prom-client. The values are read at scrape
 * time from what the breakers already keep: nothing is added to a call. Breakers registered later
 * appear in the next scrape, removed ones disappear; a keyed group is one entry (`name` = the
 * group's name) whatever its number of keys. Counters never go down for the life of the process:
 * `reset()` (local, or one the fleet sends), forced states and a group's evictions keep what was
 * counted, and a reset is counted as a transition (`from` its state `to="closed"`).
 *
 * Metrics (with the default prefix): `circuit_breaker_state{name,state}` (1 for the current state,
 * 0 for the four others; a group's worst state), `circuit_breaker_calls_total{name,outcome}`
 * (`success`, `failure`, `timeout`, `rejected`, `ignored`; a timed-out call is a `timeout` only),
 * `circuit_breaker_call_duration_seconds{name}` (a histogram of the timed calls, over `buckets`,
 * default `DURATION_BUCKETS`), `circuit_breaker_failure_rate{name}`,
 * `circuit_breaker_transitions_total{name,from,to}`, `circuit_breaker_slow_calls_total{name}`,
 * `circuit_breaker_fallbacks_total{name}` and, for keyed groups,
 * `circuit_breaker_group_breakers{name,state}`.
 *
 * prom-client is not imported: the metrics are objects implementing its metric interface, added
 * with `register.registerMetric()`.
 *
 * @param registry - The breakers to export.
 * @param options - `register` (required), `prefix` and `buckets`.
 * @returns `{ names, unregister() }`.
 * @throws TypeError for a registry, register or option of the wrong type or an unknown option;
 * RangeError for a prefix that cannot start a metric name, or `buckets` that are empty, not above
 * 0 or not ascending (TypeError when they are not numbers); Error when the register already has a
 * metric of one of these names (`registerMetrics` called twice with the same register and prefix).
 * Nothing is registered when it throws.
 * @example
 * ```ts
 * import { register } from 'prom-client';
 * import { registerMetrics } from 'breakwater/prometheus';
 *
 * const metrics = registerMetrics(registry, { register });
 * // or with bounds of your own, a little above each timeout you use (here 2 s):
 * // registerMetrics(registry, { register, buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 2.14, 5] });
 * // GET /metrics: res.end(await register.metrics());
 * metrics.unregister(); // on shutdown, or before registering again
 * ```
 */
export function registerMetrics(
  registry: CircuitBreakerRegistry,
  options: RegisterMetricsOptions,
): PrometheusMetrics {
  checkRegistry(registry);
  checkOptionsObject('registerMetrics', options, OPTIONS);
  const { register, prefix = 'circuit_breaker_' } = options as Partial<RegisterMetricsOptions>;
  checkRegister(register);
  if (typeof prefix !== 'string') throw new TypeError(expected('prefix', 'a string', prefix));
  if (!METRIC_NAME.test(prefix)) {
    throw new RangeError(
      expected(
        'prefix',
        'letters, digits, `_` and `:`, not starting with a digit (a metric name prefix)',
        prefix,
      ),
    );
  }

  const buckets = exportBucketsOf((options as Partial<RegisterMetricsOptions>).buckets);
  const reading = new ScrapeReading(registry);
  const metrics = metricFamilies(prefix, () => reading.read(), buckets);
  const names = Object.freeze(metrics.map((metric) => metric.name));
  for (const name of names) {
    if (register.getSingleMetric(name) !== undefined) throw taken(name, prefix);
  }
  const registered: number[] = [];
  const unregister = (): void => {
    for (const i of registered.splice(0)) {
      const name = names[i]!;
      if (register.getSingleMetric(name) === metrics[i]) register.removeSingleMetric(name);
    }
  };
  try {
    for (let i = 0; i < metrics.length; i++) {
      register.registerMetric(metrics[i] as never);
      registered.push(i);
    }
  } catch (error) {
    unregister();
    throw error;
  }
  return { names, unregister };
}

function checkRegister(register: unknown): asserts register is MetricsRegister {
  const r = register as Partial<Record<keyof MetricsRegister, unknown>> | null | undefined;
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.registerMetric !== 'function' ||
    typeof r.getSingleMetric !== 'function' ||
    typeof r.removeSingleMetric !== 'function'
  ) {
    throw new TypeError(
      expected(
        'register',
        "a prom-client Registry (prom-client's `register` or a `new Registry()`)",
        register,
      ),
    );
  }
}

function taken(name: string, prefix: string): Error {
  return new Error(
    `registerMetrics(): the register already has a metric named \`${name}\`. Was registerMetrics() ` +
      `called twice with this register and prefix ${JSON.stringify(prefix)}? Call unregister() on the ` +
      'first one, or give this one another `prefix`.',
  );
}
