import type { FleetCommand } from '../../store/StateStore.js';
import type { Command } from '../Command.js';
import { UsageError } from '../UsageError.js';
import { fleetArgs } from './fleetArgs.js';
import { FleetError, openFleet } from './openFleet.js';
import { parseDuration } from './parseDuration.js';

const DONE: Record<FleetCommand, string> = {
  open: 'opened',
  force_open: 'forced open',
  force_close: 'forced closed',
  reset: 'reset',
};

/**
 * A fleet control command (`open`, `force-open`, `force-close`, `reset`): applies the command to
 * every instance through the store's admin interface. Exit codes: 0 done, 1 when no instance has
 * the breaker or Redis cannot be reached, 2 for a bad command line.
 */
export function controlCommand(
  name: string,
  command: FleetCommand,
  summary: string,
  details: string,
): Command {
  const forOption = command === 'open' ? ' [--for <duration>]' : '';
  const help = `Usage: breakwater ${name} <breaker>${forOption} --redis <url> [--namespace <ns>] [--json]

${details}

Options:
${command === 'open' ? "  --for <duration>    how long to stay open: 5m, 30s, 500ms or ms (default: the\n                      fleet's last open period, else its resetTimeout)\n" : ''}  --redis <url>       the fleet's Redis, e.g. redis://127.0.0.1:6379 (or BREAKWATER_REDIS_URL)
  --namespace <ns>    the RedisStore's namespace (default breakwater)
  --json              print the result as JSON
  -h, --help          show this help

Exit codes: 0 done, 1 no instance has the breaker or Redis cannot be reached, 2 usage error.
`;
  return {
    name,
    summary,
    help,
    async run(args, io) {
      const parsed = fleetArgs(name, args, command === 'open' ? ['for'] : []);
      const [breaker, ...rest] = parsed.positionals;
      if (breaker === undefined || rest.length > 0)
        throw new UsageError(`${name}: expected one breaker name, e.g. \`breakwater ${name} payment-api\`.`);
      let openFor: number | undefined;
      const forText = parsed.extra.for;
      if (forText !== undefined) {
        openFor = parseDuration(forText);
        if (openFor === undefined)
          throw new UsageError(
            `${name}: expected \`--for\` to be a duration such as 5m, 30s or 500ms, got \`${forText}\`.`,
          );
      }
      let fleet: Awaited<ReturnType<typeof openFleet>> | undefined;
      try {
        fleet = await openFleet(parsed);
        await fleet.store.control(breaker, command, openFor);
        const status = (await fleet.store.list()).find((entry) => entry.name === breaker);
        if (parsed.json)
          io.out(`${JSON.stringify({ ok: true, command, breaker, status: status ?? null })}\n`);
        else
          io.out(
            `${breaker}: ${DONE[command]} on every instance (${status?.instances ?? 0} reporting; now ${status?.state ?? 'unknown'})\n`,
          );
        return 0;
      } catch (error) {
        if (error instanceof UsageError) throw error;
        const message = error instanceof FleetError || error instanceof Error ? error.message : String(error);
        if (parsed.json) io.out(`${JSON.stringify({ ok: false, command, breaker, error: message })}\n`);
        io.err(`breakwater ${name}: ${message}\n`);
        return 1;
      } finally {
        await fleet?.close();
      }
    },
  };
}
