/**
 * The core: `CircuitBreaker`, the registry, retry, `@protect`, the errors, presets, configuration from
 * the environment, `FakeClock` and the `StateStore` seam. No dependencies, no `node:` imports.
 * @module breakwater
 */
export { CircuitBreaker } from './CircuitBreaker.js';
export { CircuitState } from './CircuitState.js';
export type {
  CacheOptions,
  CoalesceOptions,
  KeyFunction,
  ResolvedCache,
  ResolvedCoalesce,
} from './cache/cacheOptions.js';
export type { Clock } from './clock/Clock.js';
export { systemClock } from './clock/Clock.js';
export type { FakeClockOptions, FakeTimerHandle } from './clock/FakeClock.js';
export { FakeClock } from './clock/FakeClock.js';
export type { Environment, FromEnvOptions } from './config/env.js';
export { optionsFromEnv } from './config/env.js';
export type { Preset } from './config/presets.js';
export { presets } from './config/presets.js';
export { BulkheadFullError, isBulkheadFullError } from './errors/BulkheadFullError.js';
export type { CircuitBreakerErrorCode } from './errors/CircuitBreakerError.js';
export { CircuitBreakerError, isCircuitBreakerError } from './errors/CircuitBreakerError.js';
export { CircuitBreakerOpenError, isCircuitBreakerOpenError } from './errors/CircuitBreakerOpenError.js';
export {
  CircuitBreakerThrottledError,
  isCircuitBreakerThrottledError,
} from './errors/CircuitBreakerThrottledError.js';
export {
  CircuitBreakerTimeoutError,
  isCircuitBreakerTimeoutError,
} from './errors/CircuitBreakerTimeoutError.js';
export type {
  CircuitBreakerEventName,
  CircuitBreakerEvents,
  Listener,
  RejectionReason,
  TransitionReason,
} from './events.js';
export type {
  AdaptiveThresholdMetrics,
  CacheMetrics,
  CircuitBreakerMetrics,
  CoalesceMetrics,
  ThrottleMetrics,
  TransitionCounts,
} from './metrics.js';
export type {
  AdaptiveThresholdOptions,
  BackoffFunction,
  BackoffOptions,
  CallContext,
  CallOptions,
  CircuitBreakerOptions,
  CountWindowOptions,
  ErrorClass,
  Fallback,
  Logger,
  Probe,
  Protected,
  ResolvedOptions,
  ThrottleOptions,
  TimeWindowOptions,
  WindowOptions,
} from './options.js';
export { DEFAULTS } from './options.js';
export type { PermitOptions } from './Permit.js';
export { Permit } from './Permit.js';
export type { AsyncMethod, ProtectDecorator, ProtectOptions } from './protect.js';
export { protect } from './protect.js';
export type { RegistryChange, RegistryEvents } from './registry/CircuitBreakerRegistry.js';
export { CircuitBreakerRegistry } from './registry/CircuitBreakerRegistry.js';
export {
  defaultRegistry,
  getCircuitBreaker,
  listCircuitBreakers,
  registerCircuitBreaker,
} from './registry/defaultRegistry.js';
export type {
  BreakerHealth,
  BreakerStatus,
  HealthStatus,
  KeyedGroupHealth,
  RegistryHealth,
} from './registry/health.js';
export type { KeyedBreakersOptions, KeyedGroupStatus, KeyedGroupTotals } from './registry/KeyedBreakers.js';
export { KeyedBreakers } from './registry/KeyedBreakers.js';
export type { CircuitBreakerRegistryOptions, RegistryDefaults } from './registry/registryDefaults.js';
export type { RetryContext, RetryOptions } from './retry.js';
export { retry } from './retry.js';
export type { CircuitBreakerSnapshot, SavedBaseline } from './snapshot.js';
export type { MemoryStoreOptions } from './store/MemoryStore.js';
export { MemoryStore } from './store/MemoryStore.js';
export type {
  BoundBreaker,
  FleetCommand,
  FleetStatus,
  LocalTransition,
  RemoteState,
  StateStore,
  StoreAdmin,
  StoreBinding,
} from './store/StateStore.js';
export { Outcome } from './store/StateStore.js';
export type { LatencyHistogramSnapshot, LatencySummary } from './window/LatencyHistogram.js';
