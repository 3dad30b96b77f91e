/** @internal Outcome flags stored per call: bit 0 failure, bit 1 slow. */
export const FAILURE = 1;
/** @internal */
export const SLOW = 2;

/**
 * @internal The window the rate rules count over. Counts are kept running (add on record, subtract on
 * evict), so recording and reading are O(1).
 */
export interface OutcomeWindow {
  /** Adds one outcome (`FAILURE | SLOW` flags) at monotonic time `now`. */
  record(flags: number, now: number): void;
  /** Forgets what has aged out by `now` (a no-op for a count window). */
  advance(now: number): void;
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
  clear(): void;
}
