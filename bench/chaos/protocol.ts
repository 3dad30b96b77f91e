import type { CircuitBreakerOptions } from '../../src/index.js';
import type { RedisStoreOptions } from '../../src/redis/index.js';

// What bench/chaos/member-process.ts and its parent (Member.ts) say to each other.

/** The member's configuration (one JSON argument). */
export interface MemberConfig {
  id: string;
  port: number;
  namespace: string;
  store?: Omit<RedisStoreOptions, 'client' | 'namespace' | 'instanceId'>;
  breaker?: Omit<CircuitBreakerOptions, 'name' | 'store'>;
}

/** What the parent may ask. */
export type Command =
  | { cmd: 'run'; interval?: number }
  | { cmd: 'stop' }
  | { cmd: 'dep'; healthy: boolean }
  | { cmd: 'stats' }
  | { cmd: 'control'; op: 'open' | 'forceOpen' | 'forceClose' | 'reset' }
  | { cmd: 'list' }
  | { cmd: 'flush' }
  | { cmd: 'close' };

/** The member's counters, as reported in `stats` and `closed` messages. */
export interface Counts {
  /** Calls made through the breaker. */
  made: number;
  /** Calls the breaker let through to the dependency. */
  admitted: number;
  /** Calls refused by the breaker (open, half-open without a permit). */
  refused: number;
  /** Calls that succeeded. */
  succeeded: number;
  /** Calls that failed with the dependency's own error. */
  failed: number;
  /** Calls that failed with anything else: a promise broken (the store must never reach a caller). */
  foreign: number;
}
