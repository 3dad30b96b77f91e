/**
 * What `registerMetrics` needs of a prom-client `Registry` (prom-client 14 and later): the global
 * `register` or a `new Registry()`, in either content type. Declared here, so that breakwater
 * neither imports prom-client nor depends on the shape of one version's typings.
 */
export interface MetricsRegister {
  /** Adds a metric (`registerMetrics` passes objects implementing prom-client's metric interface). */
  registerMetric(metric: never): void;
  /** The metric registered under `name`, if any. */
  getSingleMetric(name: string): unknown;
  /** Removes the metric registered under `name`. */
  removeSingleMetric(name: string): void;
}
