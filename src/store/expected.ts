/** Renders a received value for an error message: `0`, `"5"`, `[Function foo]`, `{"a":1}`. */
function describe(value: unknown): string {
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
 * The project's option-error message, for the stores: "Expected `quorum` to be an integer >= 1, got `0`".
 * @param option - The option's name.
 * @param form - What it must be.
 * @param value - What was received.
 * @returns The message.
 */
export function expected(option: string, form: string, value: unknown): string {
  return `Expected \`${option}\` to be ${form}, got \`${describe(value)}\``;
}
