import type { CircuitBreakerRegistry } from '../index.js';
import { expected } from '../options/describe.js';

/**
 * @internal Checks that `options` is an object holding only `known` keys.
 * @throws TypeError naming the function and the known options.
 */
export function checkOptionsObject(
  fn: string,
  options: unknown,
  known: readonly string[],
): asserts options is Record<string, unknown> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(expected('options', `an object ({ ${known.join(', ')} })`, options));
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `Unknown option \`${key}\` of ${fn}(); the options are ${list(known.map((k) => `\`${k}\``))}`,
      );
    }
  }
}

/** `a`, `a and b`, `a, b and c`. */
function list(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * @internal Checks that `registry` is a breakwater registry (by shape, so that it works across two
 * copies of the package).
 * @throws TypeError naming the argument.
 */
export function checkRegistry(registry: unknown): asserts registry is CircuitBreakerRegistry {
  const r = registry as Partial<Record<'registered' | 'groups' | 'on' | 'group', unknown>> | null;
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.registered !== 'function' ||
    typeof r.groups !== 'function' ||
    typeof r.on !== 'function' ||
    typeof r.group !== 'function'
  ) {
    throw new TypeError(expected('registry', 'a CircuitBreakerRegistry', registry));
  }
}
