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

/**
 * The fleet as a table: name, shared state, failure rate and calls of the shared window, instances
 * reporting, time until an open breaker admits trials.
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
  return `${style.bold(line(HEADERS))}\n${rows.map((row) => line(row, paint)).join('\n')}\n`;
}
