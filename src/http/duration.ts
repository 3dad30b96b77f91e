/** The longest duration a JavaScript timer can wait, in ms (DESIGN section 2, "Durations"). */
export const MAX_DURATION = 2_147_483_647;

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * @internal Parses an open period as an operator types it: `500ms`, `30s`, `5m`, `1h`, `1.5m`, or a
 * plain number of milliseconds.
 * @returns The duration in ms, or `undefined` when `text` is not one (or is 0, negative, or longer
 * than {@link MAX_DURATION}).
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) return undefined;
  const ms = Math.ceil(Number(match[1]) * UNITS[match[2] ?? 'ms']!);
  return isDuration(ms) ? ms : undefined;
}

/** @internal Whether `value` is a usable open period: a finite number of ms in (0, {@link MAX_DURATION}]. */
export function isDuration(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_DURATION;
}
