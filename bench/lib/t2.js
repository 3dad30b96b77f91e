// @ts-check
/**
 * T2, the least a correct call with a timeout can do (DESIGN section 7): a promise of its own (so it
 * can reject while `fn` hangs), one clock read, a record linked into a shared deadline bucket, and
 * one `.then` on `fn`'s promise. It is the floor of the timeout rows, so it must be correct, not
 * just cheap: it settles once, unlinks its record when `fn` settles first, and rejects with a timeout
 * error when the bucket's deadline passes first (never earlier than asked).
 *
 * Deadline buckets work as breakwater's TimeoutScheduler: deadlines are rounded up to a grain of
 * max(10 ms, 1% of the timeout) and each bucket is a doubly linked list with one timer. Two choices
 * keep it minimal, and both are open to a library:
 * - Only the newest bucket is remembered: back-to-back calls with one timeout land in it, so there is
 *   no `Map` lookup per call. A call whose deadline falls in another grain opens a new bucket (its
 *   own timer); older buckets stay reachable through their timers until those fire.
 * - A bucket's timer is `unref()`ed when it is set, once per bucket, never ref'd and unref'd per
 *   call. Whatever `fn` waits on (a socket, a child process) keeps the process alive; Node's own
 *   `AbortSignal.timeout()` timers are unref'd the same way.
 * And one choice keeps it fast after a garbage collection: see `keptAlive`.
 */

const perf = performance;

/** The grain below which deadlines share a bucket, in ms (breakwater's: max(10 ms, 1%)). */
const MIN_GRAIN = 10;

/** A deadline and the calls that fall due at it. */
class Bucket {
  /** @param {number} at */
  constructor(at) {
    this.at = at;
    /** @type {Pending | undefined} */
    this.head = undefined;
  }
}

/** One call in flight, linked into its bucket until it settles or expires. */
class Pending {
  /**
   * @param {Bucket} bucket
   * @param {(value: unknown) => void} resolve
   * @param {(error: unknown) => void} reject
   * @param {number} timeout
   */
  constructor(bucket, resolve, reject, timeout) {
    /** @type {Bucket | undefined} `undefined` once settled or expired. */
    this.bucket = bucket;
    /** @type {Pending | undefined} */
    this.prev = undefined;
    /** @type {Pending | undefined} */
    this.next = bucket.head;
    this.resolve = resolve;
    this.reject = reject;
    this.timeout = timeout;
  }
}

/** The error a call rejects with when its deadline passes first. */
export class TimeoutError extends Error {
  /** @param {number} timeout */
  constructor(timeout) {
    super(`Timed out after ${timeout} ms`);
    this.name = 'TimeoutError';
  }
}

/** @type {Bucket | undefined} */
let newest;

/** The resolving functions of the promise being built: one shared executor, no closure per call. */
/** @type {(value: unknown) => void} */
let resolveSlot = () => {};
/** @type {(error: unknown) => void} */
let rejectSlot = () => {};
/**
 * @param {(value: unknown) => void} resolve
 * @param {(error: unknown) => void} reject
 */
function capture(resolve, reject) {
  resolveSlot = resolve;
  rejectSlot = reject;
}

/**
 * One bucket and one record kept alive for good. V8's optimised code refers to the hidden classes of
 * the objects it builds weakly; when a `gc()` finds no instance left (no call in flight, every bucket
 * fired), those classes are collected and every function that built or read such objects is
 * deoptimised, then re-tiered over the next thousands of calls (`--trace-deopt` shows "weak
 * objects"). Two live instances keep the classes, and the code, alive. The record holds real
 * resolving functions, so that its fields keep the types the calls give them.
 */
export const keptAlive = (() => {
  const bucket = new Bucket(Number.NEGATIVE_INFINITY);
  new Promise(capture);
  return Object.freeze([bucket, new Pending(bucket, resolveSlot, rejectSlot, 1)]);
})();

/**
 * Calls `fn` and settles with its outcome, or rejects with a {@link TimeoutError} once `timeout` ms
 * have passed (rounded up to the bucket's grain).
 * @template T
 * @param {() => Promise<T>} fn
 * @param {number} timeout - In ms, > 0.
 * @returns {Promise<T>}
 */
export function timed(fn, timeout) {
  const promise = /** @type {Promise<T>} */ (new Promise(capture));
  const now = perf.now();
  const grain = timeout > 100 * MIN_GRAIN ? timeout / 100 : MIN_GRAIN;
  const at = Math.ceil((now + timeout) / grain) * grain;
  let bucket = newest;
  if (bucket === undefined || bucket.at !== at) bucket = newest = openBucket(at, now);
  const pending = new Pending(bucket, resolveSlot, rejectSlot, timeout);
  if (bucket.head !== undefined) bucket.head.prev = pending;
  bucket.head = pending;
  fn().then(
    (value) => settle(pending, value, true),
    (error) => settle(pending, error, false),
  );
  return promise;
}

/**
 * @param {number} at
 * @param {number} now
 */
function openBucket(at, now) {
  const bucket = new Bucket(at);
  setTimeout(expire, at - now, bucket).unref();
  return bucket;
}

/**
 * `fn` settled: unlink the call and pass the outcome on, unless it already timed out.
 * @param {Pending} pending
 * @param {unknown} outcome
 * @param {boolean} ok
 */
function settle(pending, outcome, ok) {
  const bucket = pending.bucket;
  if (bucket === undefined) return;
  pending.bucket = undefined;
  const { prev, next } = pending;
  if (prev === undefined) bucket.head = next;
  else prev.next = next;
  if (next !== undefined) next.prev = prev;
  if (ok) pending.resolve(outcome);
  else pending.reject(outcome);
}

/**
 * The bucket's timer fired: reject every call still linked (timers can fire a little before the
 * clock reaches `at`; then the timer is set again, so no call times out early).
 * @param {Bucket} bucket
 */
function expire(bucket) {
  const now = perf.now();
  if (bucket.head !== undefined && now < bucket.at) {
    setTimeout(expire, Math.ceil(bucket.at - now), bucket).unref();
    return;
  }
  if (newest === bucket) newest = undefined;
  let pending = bucket.head;
  bucket.head = undefined;
  while (pending !== undefined) {
    const next = pending.next;
    pending.bucket = undefined;
    pending.reject(new TimeoutError(pending.timeout));
    pending = next;
  }
}

/**
 * For the harness test: the calls still linked in the newest bucket.
 * @returns {number}
 */
export function linkedCalls() {
  let count = 0;
  for (let p = newest?.head; p !== undefined; p = p.next) count++;
  return count;
}
