import type { Command } from '../Command.js';
import { fleetArgs } from '../fleet/fleetArgs.js';
import { fleetTable } from '../fleet/fleetTable.js';
import { openFleet } from '../fleet/openFleet.js';
import { UsageError } from '../UsageError.js';

const help = `Usage: breakwater status --redis <url> [--namespace <ns>] [--json]

Shows every breaker the fleet shares through Redis: its shared state, the failure rate and calls of
the shared window, the instances reporting, and the time until an open breaker lets a trial through;
then, for each breaker that is not closed, why (and which instance decided, when the store says) and
what its shared window holds (while open: the figures that opened it).

Options:
  --redis <url>       the fleet's Redis, e.g. redis://127.0.0.1:6379 (or BREAKWATER_REDIS_URL)
  --namespace <ns>    the RedisStore's namespace (default breakwater)
  --json              print the list as JSON (one object per breaker)
  -h, --help          show this help

Exit codes: 0 shown, 1 Redis cannot be reached, 2 usage error.
`;

/** `breakwater status`: the fleet's breakers, once. */
export const status: Command = {
  name: 'status',
  summary: 'Show the state of every breaker in the fleet',
  help,
  async run(args, io) {
    const parsed = fleetArgs('status', args);
    if (parsed.positionals.length > 0)
      throw new UsageError(
        `status: unexpected argument \`${parsed.positionals[0]}\`. See \`breakwater status --help\`.`,
      );
    let fleet: Awaited<ReturnType<typeof openFleet>> | undefined;
    try {
      fleet = await openFleet(parsed);
      const statuses = await fleet.store.list();
      io.out(
        parsed.json
          ? `${JSON.stringify(statuses, null, 2)}\n`
          : fleetTable(statuses, io.color, parsed.namespace),
      );
      return 0;
    } catch (error) {
      io.err(`breakwater status: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    } finally {
      await fleet?.close();
    }
  },
};
