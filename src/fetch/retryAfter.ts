/**
 * @internal Milliseconds a `Retry-After` header asks to wait: delay-seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`, compared with `nowWall`, epoch ms). `undefined` when absent or
 * unreadable; may be <= 0 for a date in the past.
 */
export function parseRetryAfter(header: string | null, nowWall: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date - nowWall;
}
