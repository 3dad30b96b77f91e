// @ts-check
/**
 * F1 and C1, two of the floors the targets are ratios to (DESIGN section 7). T2 is in `t2.js`.
 * Plain functions, so each scenario's loop calls them the way it calls a breaker: through a call site.
 */

/** `performance`, read once: the global getter costs ~10 ns on Node 20 (breakwater captures it too). */
const perf = performance;

/** Outcomes seen by {@link observed}, so that its handlers do real work that cannot be dropped. */
export const seen = { succeeded: 0, failed: 0 };

/** Created once, shared by every call: F1 allocates no closure of its own. */
const onOk = () => {
  seen.succeeded++;
};
const onFail = () => {
  seen.failed++;
};

/**
 * F1, the least a correct observer can do: one reaction on `fn`'s promise with pre-bound counter
 * handlers, and `fn`'s own promise returned (so the caller's `await` waits no extra tick).
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
export function observed(fn) {
  const p = fn();
  p.then(onOk, onFail);
  return p;
}

/**
 * C1, the least an exact synchronous state check can do: one clock read and a comparison.
 * @param {{ until: number }} open - When the open period ends (a `performance.now()` time).
 * @returns {boolean} Whether the period is still running.
 */
export function stillOpen(open) {
  return perf.now() < open.until;
}
