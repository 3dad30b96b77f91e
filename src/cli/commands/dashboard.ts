import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFleetHandler } from '../../http/index.js';
import type { Command } from '../Command.js';
import { type OpenStoreAdmin, openStoreAdmin } from '../dashboard/openStoreAdmin.js';
import { parseCommandLine } from '../parseCommandLine.js';
import { createStyle } from '../style.js';
import { UsageError } from '../UsageError.js';

const help = `Usage: breakwater dashboard --redis <url> [--namespace <ns>] [--port <port>] [--host <host>] [--token <token>]

Serves the live dashboard for a whole fleet, read from the shared state in Redis: every breaker the
store knows, its fleet-wide state, window counts and rates, the instances reporting, and control
buttons that act on every instance. No application instance is involved. Runs until Ctrl-C.

Options:
  --redis <url>        the fleet's Redis, e.g. redis://127.0.0.1:6379
  --namespace <ns>     the RedisStore namespace (default: breakwater)
  --port <port>        port to listen on (default: any free port; the address is printed)
  --host <host>        address to listen on (default: 127.0.0.1; expose it through your own proxy)
  --token <token>      the control token (or the BREAKWATER_TOKEN environment variable, which keeps
                       it out of the process list); without one, control is off
  -h, --help           show this help
`;

/**
 * \`breakwater dashboard\` over a store factory (the real one opens a RedisStore; tests pass their own).
 * @param open - Opens the fleet store's admin interface.
 */
export function createDashboardCommand(open: OpenStoreAdmin = openStoreAdmin): Command {
  return {
    name: 'dashboard',
    summary: 'Serve the live dashboard for the whole fleet, from Redis',
    help,
    async run(args, io) {
      const values = parseCommandLine('dashboard', args, {
        redis: 'string',
        namespace: 'string',
        port: 'string',
        host: 'string',
        token: 'string',
      }).values as { redis?: string; namespace?: string; port?: string; host?: string; token?: string };
      if (values.redis === undefined) {
        throw new UsageError('dashboard: `--redis <url>` is required. See `breakwater dashboard --help`.');
      }
      const port = parsePort(values.port);
      const token = values.token ?? process.env.BREAKWATER_TOKEN;
      const namespace = values.namespace ?? 'breakwater';
      const host = values.host ?? '127.0.0.1';
      let handler: ReturnType<typeof createFleetHandler>;
      // The stream reports a store it cannot read at every tick: say it once per episode.
      let lastReport = { message: '', at: Number.NEGATIVE_INFINITY };
      const report = (message: string): void => {
        const at = performance.now();
        if (message === lastReport.message && at - lastReport.at < 60_000) return;
        lastReport = { message, at };
        io.err(`breakwater: ${message}\n`);
      };
      const store = await open(values.redis, namespace);
      try {
        handler = createFleetHandler(store.admin, {
          ...(token === undefined || token === '' ? {} : { token }),
          title: `breakwater fleet · ${namespace}`,
          logger: {
            info: () => {},
            warn: () => {},
            error: (fields, message) => report(`${message}: ${String((fields as { err?: unknown }).err)}`),
          },
        });
      } catch (error) {
        await store.close();
        throw new UsageError(`dashboard: ${(error as Error).message}`);
      }
      const server = createServer(handler);
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => resolve());
        });
      } catch (error) {
        await store.close();
        io.err(`breakwater: dashboard: cannot listen on ${host}:${port}: ${(error as Error).message}\n`);
        return 1;
      }
      const address = server.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const s = createStyle(io.color);
      io.out(
        `${s.bold('breakwater dashboard')}  namespace ${namespace}\n` +
          `  dashboard  ${s.cyan(`http://${shown}:${address.port}/`)}\n` +
          `  control    ${token ? 'on (bearer token)' : 'off (no --token or BREAKWATER_TOKEN)'}\n` +
          s.dim('  Ctrl-C to stop.\n'),
      );
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) resolve();
        else io.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      handler.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
      return 130;
    },
  };
}

/** `breakwater dashboard`, opening the fleet store in Redis. */
export const dashboard: Command = createDashboardCommand();

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(
      `dashboard: expected \`--port\` to be an integer from 0 to 65535, got \`${value}\`.`,
    );
  }
  return port;
}
