import type { CallContext } from '../options.js';

/** @internal {@link invoke}'s verdict: `fn` returned a value that is not a thenable (settle now). */
export const RETURNED = 0;
/**
 * @internal {@link invoke}'s verdict: `fn` threw, or what it returned could not be read (its `then`
 * getter threw, or it is a revoked Proxy): the call failed with that error, now.
 */
export const THREW = 1;
/** @internal {@link invoke}'s verdict: `fn` returned a native promise (its `then` is the built-in one). */
export const PROMISED = 2;
/** @internal {@link invoke}'s verdict: `fn` returned another thenable, to be adopted by {@link follow}. */
export const THENABLE = 3;

/** The built-in `then`: a value whose `then` is this one is followed without being adopted. */
const NATIVE_THEN = Promise.prototype.then;

/**
 * @internal What the last {@link invoke} found: {@link RETURNED}, {@link THREW}, {@link PROMISED} or
 * {@link THENABLE}. Read it right after `invoke()` returns, before anything else can run (a number
 * rather than a record: telling the caller costs no allocation).
 */
export let invoked = RETURNED;

/**
 * @internal The one place where a breaker runs the user's function (every call path: the fast
 * path, {@link Call}, `callSync`, the probe). Never throws: it returns what `fn` returned, or what it
 * threw, and says which in {@link invoked}. `then` is read once, as `await` and an `async` function
 * returning the value read it, so that the breaker counts what the caller would see:
 * - a value without a callable `then` (a Proxy whose `getPrototypeOf` trap throws included: `await`
 *   never asks for the prototype) → {@link RETURNED};
 * - `fn` threw, or reading `then` threw (a `then` getter that throws, a revoked Proxy) → {@link THREW},
 *   with that error;
 * - `then` is the built-in one → {@link PROMISED} (a native promise, or a Proxy of one, which
 *   {@link follow} tells apart);
 * - any other callable `then` (a foreign promise, a promise with its own `then`) → {@link THENABLE}.
 *
 * Nothing here allocates, and it is small enough to inline into the caller.
 */
export function invoke<T>(fn: (ctx: CallContext) => T, ctx: CallContext): unknown {
  try {
    const result = fn(ctx);
    if (typeof result === 'object' ? result === null : typeof result !== 'function') {
      invoked = RETURNED;
    } else {
      const then = (result as { then?: unknown }).then;
      invoked = then === NATIVE_THEN ? PROMISED : typeof then === 'function' ? THENABLE : RETURNED;
    }
    return result;
  } catch (error) {
    invoked = THREW;
    return error;
  }
}

/**
 * @internal Follows what {@link invoke} found to be a promise or a thenable: `onValue` or `onError`
 * runs exactly once, when it settles, with what an `async` function returning it would see, and
 * the native promise of that outcome is returned (the caller's). Never throws.
 *
 * A native promise is followed with the built-in `then` (nothing allocated beyond what `then`
 * makes), which either attaches the handlers once or throws before attaching anything: one that
 * refuses it (a Proxy of a promise: `then` called on an incompatible receiver; a species
 * constructor that throws) is adopted instead. Anything else
 * is adopted the way `resolve()` adopts a thenable: its `then` runs in a job, a throw from it
 * rejects, and a second `resolve` or `reject` is ignored.
 * @param native - {@link invoked} was {@link PROMISED}.
 */
export function follow<T>(
  result: unknown,
  native: boolean,
  onValue: (value: T) => void,
  onError: (error: unknown) => void,
): Promise<T> {
  if (native) {
    try {
      // `then` read once more and called as read: for a native promise V8 folds the read to the
      // built-in and calls it directly; a getter that answers differently this time is adopted.
      const then = (result as Promise<T>).then;
      if (then === NATIVE_THEN) {
        then.call(result as Promise<T>, onValue, onError);
        return result as Promise<T>;
      }
    } catch {
      // Refused before anything was attached: adopt it below, as `resolve()` would.
    }
  }
  const adopted = adopt<T>(result);
  NATIVE_THEN.call(adopted, onValue, onError);
  return adopted;
}

/**
 * @internal A native promise of what resolving with `value` gives (a thenable adopted, anything
 * else as it is). Never throws: `resolve()` turns a throwing `then` into a rejection.
 */
export function adopt<T>(value: unknown): Promise<T> {
  const promise = new Promise<T>(capture);
  const resolve = captured.resolve;
  resolve(value);
  return promise;
}

/**
 * @internal The resolving functions of the promise being built: one shared executor stores them here, so that
 * a promise built here allocates no executor closure of its own. Read right after
 * `new Promise(capture)`.
 */
export const captured: { resolve: (value: unknown) => void; reject: (error: unknown) => void } = {
  resolve: () => {},
  reject: () => {},
};

/** @internal The shared executor (see {@link captured}). */
export function capture(resolve: (value: never) => void, reject: (error: unknown) => void): void {
  captured.resolve = resolve as (value: unknown) => void;
  captured.reject = reject;
}
