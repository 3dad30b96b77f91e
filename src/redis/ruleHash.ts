import type { ResolvedOptions } from '../options.js';

/**
 * A short hash of the options the shared rules read, stored by every binding so that instances
 * running different rules (a rolling deploy) are told apart: a warning, not an error.
 * @returns 8 hex digits (FNV-1a over the rule options).
 */
export function ruleHash(options: ResolvedOptions): string {
  const text = JSON.stringify([
    options.failureThreshold,
    options.failureRateThreshold,
    options.slowCallRateThreshold,
    options.slowCallDuration,
    options.minimumCalls,
    options.window,
    options.resetTimeout,
    typeof options.backoff === 'function' ? 'fn' : options.backoff,
    options.halfOpenMaxCalls,
    options.successThreshold,
    options.halfOpenTimeout,
  ]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
