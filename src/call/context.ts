import type { CallContext } from '../options.js';

let never: AbortSignal | undefined;

/** @internal One signal that never aborts, shared by every call without a timeout or caller signal. */
export function neverAborted(): AbortSignal {
  if (never === undefined) never = new AbortController().signal;
  return never;
}

/** @internal The context of every fast-path call: allocated once, its signal created on first read. */
export const FAST_CONTEXT: CallContext = Object.freeze({
  get signal(): AbortSignal {
    return neverAborted();
  },
});

/** @internal A context carrying a given signal (fallbacks of refused calls). */
export function contextWith(signal: AbortSignal | undefined): CallContext {
  return signal === undefined ? FAST_CONTEXT : { signal };
}
