/** @internal Renders a received value for an error message: `0`, `"5"`, `[Function foo]`, `{"a":1}`. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
  if (typeof value === 'bigint') return `${value}n`;
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

/**
 * @internal The project's standard message: "Expected `maxClients` to be an integer >= 1, got `0`".
 * (breakwater/http keeps its own copy: it builds on the core's public API only.)
 */
export function expected(option: string, form: string, value: unknown): string {
  return `Expected \`${option}\` to be ${form}, got \`${show(value)}\``;
}
