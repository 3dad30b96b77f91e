import { CircuitBreaker } from './CircuitBreaker.js';

export type { OpossumEvents } from './CircuitBreaker.js';
export { MemoryCache } from './MemoryCache.js';
export type { OpossumError, OpossumErrorCode } from './opossumError.js';
export type {
  BreakwaterOptions,
  CacheTransport,
  Options,
  ResolvedOpossumOptions,
  State,
} from './opossumOptions.js';
export type {
  Bucket,
  RotateController,
  Stats,
  StatusCounter,
  StatusCounts,
  StatusOptions,
} from './Status.js';
export { Status } from './Status.js';
export { CircuitBreaker };
/** opossum's `CircuitBreaker` on breakwater's engine: `import CircuitBreaker from 'breakwater/opossum'`. */
export default CircuitBreaker;
// `require('breakwater/opossum')` returns the class itself, as `require('opossum')` does.
export { CircuitBreaker as 'module.exports' };
