import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRedis, RedisServer } from '../support/redisServer.js';

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node_modules/.bin/tsx', ['src/cli/main.ts', ...args], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describeRedis('breakwater demo --instances 3 --redis URL', () => {
  const server = new RedisServer();
  beforeAll(() => server.start(), 20_000);
  afterAll(() => server.dispose());

  it('three processes share one breaker: it opens for all, one trial per round for the fleet, and closes for all', async () => {
    const { code, stdout, stderr } = await cli(
      'demo',
      '--instances',
      '3',
      '--redis',
      server.url,
      '--speed',
      '4',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (const id of [1, 2, 3]) expect(stdout).toMatch(new RegExp(`instance ${id} +closed → OPEN`));
    expect(stdout).toMatch(/closed → OPEN +.*\((failure_threshold|remote)\)/);
    expect(stdout).toMatch(/runs a trial call: the only one in the fleet/);
    const rounds = /trial calls per half-open round \(fleet-wide\): ([\d, ]+)/.exec(stdout)?.[1];
    expect(
      rounds
        ?.split(', ')
        .map(Number)
        .every((trials) => trials === 1),
    ).toBe(true);
    expect(stdout).toMatch(/final states +1:CLOSED 2:CLOSED 3:CLOSED/);
  }, 90_000);

  it('says clearly when Redis cannot be reached (exit 1) and checks --instances (exit 2)', async () => {
    const [down, bad] = await Promise.all([
      cli('demo', '--instances', '3', '--redis', 'redis://127.0.0.1:1'),
      cli('demo', '--instances', '30', '--redis', server.url),
    ]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/Cannot reach Redis|ECONNREFUSED/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected `--instances` to be an integer from 2 to 8, got `30`');
  }, 30_000);
});
