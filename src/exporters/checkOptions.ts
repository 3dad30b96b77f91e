import type { CircuitBreakerRegistry } from '../index.js';

/** @internal Renders a received value for an error message: `0`, `"5"`, `[Function foo]`, `{"a":1}`. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
  if (typeof value === 'symbol' || value === undefined || value === null) return String(value);
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

/** @internal The standard message: "Expected `prefix` to be a string, got `1`". */
export function expected(option: string, form: string, value: unknown): string {
  return `Expected \`${option}\` to be ${form}, got \`${describe(value)}\``;
}

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
        `Unknown option \`${key}\` of ${fn}(); the options are ${known.map((k) => `\`${k}\``).join(' and ')}`,
      );
    }
  }
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
