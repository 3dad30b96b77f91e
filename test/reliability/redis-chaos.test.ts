import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { type CampaignResult, runCampaign } from '../../bench/chaos/Campaign.js';
import { FAULTS } from '../../bench/chaos/faults.js';
import { describeRedis } from '../support/redisServer.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `npm run chaos` with `args`; resolves with its exit code and output. */
function chaos(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/chaos/run.ts', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

// The fail-safe promises of DESIGN sections 5 and 11 under every fault, in short: a real
// redis-server, a FaultyProxy, two instances in child processes and one in this process, each fault
// for 3 s (the long, seeded form is `npm run chaos`). See bench/chaos/Campaign.ts for what is checked.
describeRedis('Redis chaos: the fleet store keeps its promises under every fault', () => {
  let result: CampaignResult;
  beforeAll(async () => {
    result = await runCampaign({
      processes: 2,
      inProcess: true,
      faults: FAULTS,
      schedule: 'each',
      seed: 1,
      duration: 0,
      faultMs: [3_000, 3_000],
      closeDuringFaults: true,
      commandTimeout: 500,
      ...(process.env.CHAOS_LOG === '1' ? { log: (line: string) => console.log(line) } : {}),
    });
  }, 300_000);

  for (const fault of FAULTS) {
    it(`${fault.name}: ${fault.what}`, () => {
      const episode = result.episodes.find((e) => e.fault === fault.name);
      expect(episode).toBeDefined();
      expect(episode!.violations).toEqual([]);
      expect(episode!.admitted).toBeGreaterThan(0); // the breakers kept working on local state
      expect(episode!.admittedLastSecond).toBeGreaterThan(0);
      if (fault.unresponsive) {
        expect(episode!.detection.length).toBeGreaterThan(0);
        expect(episode!.close).toBeDefined(); // an instance was closed during the fault, in bound
      }
    });
  }

  it('over the whole campaign: no caller saw an error from the store, and Redis never counted more calls than were admitted', () => {
    expect(result.violations).toEqual([]);
    expect(result.totals.foreign).toBe(0);
    expect(result.totals.admitted).toBeGreaterThan(0);
    expect(result.redisCalls).toBeLessThanOrEqual(result.totals.admitted);
  });

  it('`npm run chaos` runs a short seeded campaign, prints its figures and exits 0', async () => {
    const run = await chaos([
      '--duration',
      '4',
      '--processes',
      '1',
      '--fault-seconds',
      '3,3',
      '--command-timeout',
      '500',
    ]);
    expect(run.output).toContain('## Redis chaos:');
    expect(run.output).toContain('| fault | episodes |');
    expect(run.output).toContain('Violations: none.');
    expect(run.code, run.output).toBe(0);
  }, 120_000);

  it('`npm run chaos` exits 1 when a promise is broken (a commandTimeout longer than the freeze: breakers refuse)', async () => {
    // With commandTimeout 3 s a 3 s freeze is never detected in time: half-open breakers wait for a
    // lease that cannot come and refuse every call, which the campaign must report as a violation.
    const run = await chaos([
      ...['--duration', '1', '--processes', '1', '--fault-seconds', '3,3'],
      ...['--command-timeout', '3000', '--faults', 'sigstop', '--quiet'],
    ]);
    expect(run.output).toContain('VIOLATIONS:');
    expect(run.code, run.output).toBe(1);
  }, 120_000);

  it('`npm run chaos` refuses bad arguments with exit code 2', async () => {
    const run = await chaos(['--faults', 'sigstp']);
    expect(run.output).toContain('Unknown fault sigstp; the faults are sigstop');
    expect(run.code).toBe(2);
  }, 60_000);
});
