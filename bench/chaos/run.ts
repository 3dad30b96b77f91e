/**
 * `npm run chaos`: the long Redis chaos campaign (DESIGN section 11). Several instances of one
 * shared breaker (child processes, and one in this process) call a dependency while faults drawn
 * from a seeded schedule hit Redis and the link to it; prints the figures and exits with 1 when a
 * promise was broken (2 on bad arguments).
 *
 *   npm run chaos                               5 minutes, 4 processes, seed 1
 *   npm run chaos -- --duration 900 --seed 7    15 minutes of faults, another schedule
 *   npm run chaos -- --faults sigstop,oom       only these faults
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { redisAvailable } from '../lib/redis-server.js';
import { runCampaign } from './Campaign.js';
import { FAULTS } from './faults.js';
import { chaosReport } from './report.js';

const USAGE =
  'Usage: npm run chaos -- [--duration SECONDS] [--processes N] [--seed N] [--fault-seconds MIN,MAX] ' +
  '[--command-timeout MS] [--faults name,name] [--quiet]';

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        duration: { type: 'string', default: '300' },
        processes: { type: 'string', default: '4' },
        seed: { type: 'string', default: '1' },
        'fault-seconds': { type: 'string', default: '3,10' },
        'command-timeout': { type: 'string', default: '1000' },
        faults: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
})();
if (values.help) {
  console.log(`${USAGE}\nFaults:\n${FAULTS.map((f) => `  ${f.name.padEnd(24)} ${f.what}`).join('\n')}`);
  process.exit(0);
}
const number = (name: string, text: string, min: number): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) {
    console.error(`Expected --${name} to be a number >= ${min}, got \`${text}\`\n${USAGE}`);
    process.exit(2);
  }
  return value;
};
const duration = number('duration', values.duration, 1);
const processes = number('processes', values.processes, 1);
const seed = number('seed', values.seed, 0);
const commandTimeout = number('command-timeout', values['command-timeout'], 50);
const [min, max] = values['fault-seconds'].split(',').map((part) => number('fault-seconds', part, 1));
if (min === undefined || max === undefined || max < min) {
  console.error(`Expected --fault-seconds as MIN,MAX seconds, got \`${values['fault-seconds']}\`\n${USAGE}`);
  process.exit(2);
}
const names = values.faults?.split(',');
const unknown = names?.filter((name) => !FAULTS.some((fault) => fault.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(
    `Unknown fault ${unknown.join(', ')}; the faults are ${FAULTS.map((f) => f.name).join(', ')}`,
  );
  process.exit(2);
}
if (!redisAvailable()) process.exit(0);

const result = await runCampaign({
  processes,
  inProcess: true,
  faults: names === undefined ? FAULTS : FAULTS.filter((fault) => names.includes(fault.name)),
  schedule: 'random',
  seed,
  duration: duration * 1_000,
  faultMs: [min * 1_000, max * 1_000],
  closeDuringFaults: true,
  commandTimeout,
  ...(values.quiet ? {} : { log: (line: string) => console.log(line) }),
});
const header =
  `## Redis chaos: ${result.episodes.length} faults in ${(result.ms / 60_000).toFixed(1)} min, seed ${seed}, ` +
  `${processes} processes + 1 in-process, commandTimeout ${commandTimeout} ms ` +
  `(${os.cpus().length} vCPUs, ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version})`;
console.log(`\n${chaosReport(result, header)}`);
process.exit(result.violations.length === 0 ? 0 : 1);
