/**
 * Prometheus metrics for every breaker of a registry, with prom-client (`registerMetrics`).
 * @module breakwater/prometheus
 */
export { DURATION_BUCKETS } from '../exporters/exportBuckets.js';
export type { MetricsRegister } from './MetricsRegister.js';
export type { PrometheusMetrics, RegisterMetricsOptions } from './registerMetrics.js';
export { registerMetrics } from './registerMetrics.js';
