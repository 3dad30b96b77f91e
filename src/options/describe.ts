/**
 * @internal Renders a received value for an error message: `0`, `"5"`, `[Function foo]`, `{"a":1}`.
 * Never throws: a value that cannot be read (a revoked Proxy) renders as `[unprintable value]`.
 */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol' || value === undefined || value === null) return String(value);
  try {
    if (typeof value === 'function') return `[Function ${String(value.name) || 'anonymous'}]`;
    if (typeof value === 'object') {
      try {
        return JSON.stringify(value) ?? String(value);
      } catch {
        return Object.prototype.toString.call(value);
      }
    }
    return String(value);
  } catch {
    return '[unprintable value]';
  }
}

/** @internal The standard message: "Expected `failureThreshold` to be an integer >= 1, got `0`". */
export function expected(option: string, form: string, value: unknown): string {
  return `Expected \`${option}\` to be ${form}, got \`${describe(value)}\``;
}
