import type { ResolvedOptions } from '../options.js';

/**
 * @internal The per-call options `{ key }` of a wrapped or decorated call on a breaker with `cache`
 * or `coalesce`: the key from the arguments (`key(...args)`), or a rejected promise when the key
 * function throws or returns something other than a string.
 */
export function keyOptions(options: ResolvedOptions, args: unknown[]): { key: string } | Promise<never> {
  const keyOf = (options.cache ?? options.coalesce)?.key;
  if (keyOf === undefined) return Promise.reject(new TypeError('No `cache` or `coalesce` to key calls for'));
  try {
    const key = (keyOf as (...args: unknown[]) => unknown)(...args);
    if (typeof key !== 'string') {
      return Promise.reject(
        new TypeError(`Expected the \`key\` function to return a string, got \`${typeof key}\``),
      );
    }
    return { key };
  } catch (error) {
    return Promise.reject(error);
  }
}
