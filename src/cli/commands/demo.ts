import type { Command } from '../Command.js';
import { parsePort, runDashboardDemo } from '../demo/dashboard.js';
import { isFleetDemo, runFleetDemo } from '../demo/instances.js';
import { runDemo } from '../demo.js';
import { parseCommandLine } from '../parseCommandLine.js';
import { UsageError } from '../UsageError.js';

const help = `Usage: breakwater demo [--speed <factor>] [--dashboard [--port <port>]] [--instances <n> --redis <url>]

Starts a flaky HTTP service on 127.0.0.1, sends steady traffic through a circuit breaker while the
service goes down (500s, then hangs) and recovers, and prints a live timeline: state transitions,
calls passed, rejected fast, fallbacks served, latency saved. Ends by itself after ~25 s.

Options:
  --speed <factor>    run the same story <factor> times faster (0.1 to 20; default 1)
  --dashboard         run the story on a loop and serve the live dashboard on 127.0.0.1 until
                      Ctrl-C; prints its address and a control token
  --port <port>       the dashboard's port (default: any free port)
  --instances <n>     run <n> processes (2 to 8) sharing one breaker through Redis
  --redis <url>       the Redis they share it through, e.g. redis://127.0.0.1:6379
  -h, --help          show this help
`;

/** `breakwater demo`: see {@link runDemo}. */
export const demo: Command = {
  name: 'demo',
  summary: 'Watch a breaker protect calls to a flaky HTTP service (~25 s)',
  help,
  async run(args, io) {
    const values = parseCommandLine('demo', args, {
      speed: 'string',
      dashboard: 'boolean',
      port: 'string',
      instances: 'string',
      redis: 'string',
    }).values as { speed?: string; dashboard?: boolean; port?: string; instances?: string; redis?: string };
    if (values.dashboard && (values.instances !== undefined || values.redis !== undefined)) {
      throw new UsageError('demo: `--dashboard` and `--instances` are separate demos; run one at a time.');
    }
    if (values.dashboard) {
      return runDashboardDemo({ speed: parseSpeed(values.speed), port: parsePort(values.port) }, io);
    }
    if (values.port !== undefined) throw new UsageError('demo: `--port` goes with `--dashboard`.');
    if (isFleetDemo(values)) return runFleetDemo({ ...values, speed: parseSpeed(values.speed) }, io);
    return runDemo({ speed: parseSpeed(values.speed) }, io);
  },
};

function parseSpeed(value: string | undefined): number {
  if (value === undefined) return 1;
  const speed = Number(value);
  if (value.trim() === '' || !(speed >= 0.1 && speed <= 20)) {
    throw new UsageError(`demo: expected \`--speed\` to be a number from 0.1 to 20, got \`${value}\`.`);
  }
  return speed;
}
