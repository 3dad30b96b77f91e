import { checkOptionsObject, checkRegistry } from '../exporters/checkOptions.js';
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

const OPTIONS = ['register', 'prefix'] as const;
const METRIC_NAME = /^(?:[a-zA-Z_:][a-zA-Z0-9_:]*)?$/;

/**
 * Exports a registry's breakers to Prometheus through prom-client. The values are read at scrape
 * time from what the breakers already keep: nothing is added to a call. Breakers registered later
 * appear in the next scrape, removed ones disappear; a keyed group is one entry (`name` = the
 * group's name) whatever its number of keys, and its counters never go down.
 *
 * Metrics (with the default prefix): `circuit_breaker_state{name,state}` (1 for the current state,
 * 0 for the four others; a group's worst state), `circuit_breaker_calls_total{name,outcome}`
 * (`success`, `failure`, `timeout`, `rejected`, `ignored`; a timed-out call is a `timeout` only),
 * `circuit_breaker_call_duration_seconds{name}` (a histogram of the sampled calls, over the fixed
 * bounds of `DURATION_BUCKETS`), `circuit_breaker_failure_rate{name}`,
 * `circuit_breaker_transitions_total{name,from,to}`, `circuit_breaker_slow_calls_total{name}`,
 * `circuit_breaker_fallbacks_total{name}` and, for keyed groups,
 * `circuit_breaker_group_breakers{name,state}`.
 *
 * prom-client is not imported: the metrics are objects implementing its metric interface, added
 * with `register.registerMetric()`.
 *
 * @param registry - The breakers to export.
 * @param options - `register` (required) and `prefix`.
 * @returns `{ names, unregister() }`.
 * @throws TypeError for a registry, register or option of the wrong type or an unknown option;
 * RangeError for a prefix that cannot start a metric name; Error when the register already has a
 * metric of one of these names (`registerMetrics` called twice with the same register and prefix).
 * Nothing is registered when it throws.
 * @example
 * ```ts
 * import { register } from 'prom-client';
 * import { registerMetrics } from 'breakwater/prometheus';
 *
 * const metrics = registerMetrics(registry, { register });
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

  const reading = new ScrapeReading(registry);
  const metrics = metricFamilies(prefix, () => reading.read());
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
