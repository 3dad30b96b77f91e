const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration as `5m`, `30s`, `500ms`, `1h` or plain milliseconds.
 * @param text - What the user typed.
 * @returns Ms, or `undefined` when it is not a duration from 0 to ~24.8 days.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  const ms = Number(match[1]) * UNIT[match[2] ?? 'ms']!;
  return ms <= 2_147_483_647 ? Math.round(ms) : undefined;
}
