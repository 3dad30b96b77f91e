import type { TransitionReason } from '../../events.js';
import type { FleetStatus } from '../../store/StateStore.js';
import { createStyle } from '../style.js';

const HEADERS = ['NAME', 'STATE', 'FAILURE RATE', 'CALLS', 'INSTANCES', 'RETRY IN'] as const;

function retryIn(status: FleetStatus, now: number): string {
  if (status.state === 'forced_open') return 'until reset';
  if (status.retryAt === null) return '-';
  const ms = Math.max(0, status.retryAt - now);
  return ms >= 60_000
    ? `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`
    : `${(ms / 1000).toFixed(1)}s`;
}

/** Why the shared state last changed, as an operator reads it. */
const WHY: Readonly<Partial<Record<TransitionReason, string>>> = {
  failure_threshold: 'too many failures in a row',
  failure_rate: 'failure rate over its threshold',
  slow_call_rate: 'slow-call rate over its threshold',
  trial_failed: 'a trial call failed',
  half_open_timeout: 'its trial calls timed out',
  manual_open: 'opened by hand',
  force_open: 'forced open by an operator',
  force_close: 'forced closed by an operator',
  reset_timeout: 'its open period ended: testing recovery',
  remote: 'followed the fleet',
  restored: 'restored from a saved state',
};

/** One line per breaker that is not closed: why, who decided (when the store knows), its window. */
function reasons(statuses: readonly FleetStatus[], width: number): string[] {
  const lines: string[] = [];
  for (const status of statuses) {
    if (status.state === 'closed') continue;
    const reason = status.reason === null ? 'reason unknown' : (WHY[status.reason] ?? status.reason);
    const openedBy = (status as FleetStatus & { readonly openedBy?: unknown }).openedBy;
    const by = typeof openedBy === 'string' ? ` (decided by ${openedBy})` : '';
    const window =
      status.windowCalls === 0
        ? 'no calls in the shared window'
        : `${status.failures} of ${status.windowCalls} calls failed (${percent(status.failureRate)})` +
          (status.slowCalls > 0 ? `, ${status.slowCalls} slow (${percent(status.slowCallRate)})` : '');
    lines.push(`${status.name.padEnd(width)}  ${status.state}: ${reason}${by}; ${window}`);
  }
  return lines;
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/**
 * The fleet as a table: name, shared state, failure rate and calls of the shared window, instances
 * reporting, time until an open breaker admits trials; then, for each breaker that is not closed, a
 * line saying why (the reason of its last change, and the instance that decided when the store
 * reports it) and what its shared window holds (while open: the figures that opened it).
 * @param statuses - From `StoreAdmin.list()`.
 * @param color - Colour the states (a TTY).
 * @param now - Epoch ms, for "retry in".
 * @returns The table's text, or a line saying the namespace has no breaker.
 */
export function fleetTable(
  statuses: readonly FleetStatus[],
  color: boolean,
  namespace: string,
  now = Date.now(),
): string {
  if (statuses.length === 0)
    return `No breaker in namespace '${namespace}' (none bound within the keys' lifetime).\n`;
  const style = createStyle(color);
  const rows = statuses.map((status) => [
    status.name,
    status.state,
    `${(status.failureRate * 100).toFixed(1)}%`,
    String(status.windowCalls),
    String(status.instances),
    retryIn(status, now),
  ]);
  const widths = HEADERS.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: readonly string[], paint: (state: string, text: string) => string = (_, t) => t) =>
    cells
      .map((cell, column) => {
        const padded = column >= 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!);
        return column === 1 ? paint(cell, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  const paint = (state: string, text: string) =>
    state === 'closed'
      ? style.green(text)
      : state === 'half_open' || state === 'forced_closed'
        ? style.yellow(text)
        : style.red(text);
  const table = `${style.bold(line(HEADERS))}\n${rows.map((row) => line(row, paint)).join('\n')}\n`;
  const why = reasons(statuses, widths[0]!);
  return why.length === 0 ? table : `${table}\n${why.join('\n')}\n`;
}
