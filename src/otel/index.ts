/**
 * OpenTelemetry instruments for every breaker of a registry (`instrumentRegistry`).
 * @module breakwater/otel
 */
export { DURATION_BUCKETS } from '../exporters/exportBuckets.js';
export type { InstrumentRegistryOptions, RegistryInstrumentation } from './instrumentRegistry.js';
export { instrumentRegistry } from './instrumentRegistry.js';
