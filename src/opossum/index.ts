import { CircuitBreaker } from './CircuitBreaker.js';

export type { OpossumEvents } from './CircuitBreaker.js';
export type { CacheEntry } from './MemoryCache.js';
export { MemoryCache } from './MemoryCache.js';
export type { OpossumError, OpossumErrorCode } from './opossumError.js';
export type {
  BreakwaterOptions,
  OpossumCacheTransport,
  OpossumOptions,
  OpossumState,
  ResolvedOpossumOptions,
} from './opossumOptions.js';
export type {
  OpossumBucket,
  OpossumStats,
  OpossumStatusOptions,
  RotateController,
  StatusCounter,
  StatusCounts,
} from './Status.js';
export { Status } from './Status.js';
export { CircuitBreaker };
/** opossum's `CircuitBreaker` on breakwater's engine: `import CircuitBreaker from 'breakwater/opossum'`. */
export default CircuitBreaker;
// `require('breakwater/opossum')` returns the class itself, as `require('opossum')` does.
export { CircuitBreaker as 'module.exports' };
