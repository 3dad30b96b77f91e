import type { StoreAdmin } from '../../store/StateStore.js';
import type { Command } from '../Command.js';
import { type FleetArgs, fleetArgs } from '../fleet/fleetArgs.js';
import { fleetTable } from '../fleet/fleetTable.js';
import { openFleet } from '../fleet/openFleet.js';
import { parseDuration } from '../fleet/parseDuration.js';
import { UsageError } from '../UsageError.js';

const help = `Usage: breakwater watch --redis <url> [--namespace <ns>] [--interval <duration>] [--json]

Shows the fleet's breakers like \`breakwater status\`, refreshed live until Ctrl-C.

Options:
  --interval <duration>  time between refreshes: 1s, 500ms, … (default 1s)
  --redis <url>          the fleet's Redis, e.g. redis://127.0.0.1:6379 (or BREAKWATER_REDIS_URL)
  --namespace <ns>       the RedisStore's namespace (default breakwater)
  --json                 print one JSON line per refresh instead of the table
  -h, --help             show this help

Exit codes: 130 interrupted (the normal end), 1 Redis cannot be reached, 2 usage error.
`;

/** Opens the fleet's store for `watch` (the real one connects to Redis; tests pass their own). */
export type OpenWatchedFleet = (
  args: Pick<FleetArgs, 'redis' | 'namespace'>,
) => Promise<{ readonly store: StoreAdmin; close(): Promise<void> }>;

/**
 * `breakwater watch` over a store opener.
 * @param open - Opens the fleet's store; by default a RedisStore over ioredis.
 */
export function createWatchCommand(open: OpenWatchedFleet = openFleet): Command {
  return {
    name: 'watch',
    summary: 'Follow the fleet’s breakers live',
    help,
    async run(args, io) {
      const parsed = fleetArgs('watch', args, ['interval']);
      const text = parsed.extra.interval;
      const interval = text === undefined ? 1_000 : parseDuration(text);
      if (interval === undefined || interval < 100)
        throw new UsageError(
          `watch: expected \`--interval\` to be a duration of at least 100ms, got \`${text}\`.`,
        );
      let fleet: Awaited<ReturnType<OpenWatchedFleet>> | undefined;
      try {
        fleet = await open(parsed);
        while (!io.signal.aborted) {
          const statuses = await fleet.store.list();
          if (parsed.json)
            io.out(`${JSON.stringify({ at: new Date().toISOString(), breakers: statuses })}\n`);
          else {
            const clear = io.color ? '\u001b[2J\u001b[H' : '\n';
            io.out(`${clear}breakwater watch  ${parsed.namespace}  ${new Date().toLocaleTimeString()}\n\n`);
            io.out(fleetTable(statuses, io.color, parsed.namespace));
          }
          await pause(interval, io.signal);
        }
        return 130;
      } catch (error) {
        io.err(`breakwater watch: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
      } finally {
        await fleet?.close();
      }
    },
  };
}

/** `breakwater watch`: the fleet's breakers, refreshed until interrupted. */
export const watch: Command = createWatchCommand();

/**
 * Resolves after `ms`, or at once when `signal` aborts, and leaves no listener on `signal` either
 * way: a refresh every second for hours adds none (one per refresh used to pile up until Node
 * warned of a leak).
 */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
