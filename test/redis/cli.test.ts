import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Dependency } from '../support/Dependency.js';
import { FleetProcess } from '../support/FleetProcess.js';
import { describeRedis, freePort, RedisServer, waitFor } from '../support/redisServer.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from the sources; `interruptWhen` sends SIGINT once stdout matches it. */
function cli(args: string[], interruptWhen?: RegExp): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (interruptWhen?.test(stdout)) child.kill('SIGINT');
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describeRedis('the fleet commands against a live fleet', () => {
  const server = new RedisServer();
  const dependency = new Dependency();
  const namespace = `cli-${process.pid}`;
  let members: FleetProcess[] = [];
  let fleet: string[] = [];

  beforeAll(async () => {
    await server.start();
    const url = await dependency.start();
    members = ['one', 'two'].map(
      (id) =>
        new FleetProcess(id, server.port, namespace, url, { failureThreshold: 5, resetTimeout: 60_000 }),
    );
    for (const member of members) member.send({ cmd: 'calls', n: 3 });
    await waitFor(() => members.every((member) => member.count('done') >= 1), 'members ready', 20_000);
    fleet = ['--redis', server.url, '--namespace', namespace];
  }, 30_000);

  afterAll(async () => {
    for (const member of members) member.kill();
    await dependency.close();
    await server.dispose();
  });

  it('status shows the shared breaker as a table and as JSON', async () => {
    const [table, json] = await Promise.all([cli(['status', ...fleet]), cli(['status', ...fleet, '--json'])]);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME +STATE +FAILURE RATE +CALLS +INSTANCES +RETRY IN$/m);
    expect(table.stdout).toMatch(/^dep +closed +0\.0% +6 +2 +-$/m);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ name: 'dep', state: 'closed', windowCalls: 6, instances: 2 }),
    ]);
  }, 30_000);

  it('force-open and reset reach every instance; open --for sets the period', async () => {
    const forced = await cli(['force-open', 'dep', ...fleet]);
    expect(forced).toMatchObject({ code: 0, stderr: '' });
    expect(forced.stdout).toContain('dep: forced open on every instance (2 reporting; now forced_open)');
    await waitFor(
      () => members.every((member) => member.state() === 'forced_open'),
      'every member forced open',
    );
    const reset = await cli(['reset', 'dep', ...fleet]);
    expect(reset.code).toBe(0);
    await waitFor(() => members.every((member) => member.state() === 'closed'), 'every member reset');
    const opened = await cli(['open', 'dep', '--for', '5m', ...fleet, '--json']);
    expect(opened.code).toBe(0);
    const result = JSON.parse(opened.stdout) as { ok: boolean; status: { retryAt: number } };
    expect(result.ok).toBe(true);
    expect(result.status.retryAt - Date.now()).toBeGreaterThan(290_000);
    await waitFor(() => members.every((member) => member.state() === 'open'), 'every member open');
    const table = await cli(['status', ...fleet]);
    expect(table.stdout).toMatch(/^dep +open .* 2 +4m \d+s$/m);
    await cli(['force-close', 'dep', ...fleet]);
    await waitFor(
      () => members.every((member) => member.state() === 'forced_closed'),
      'every member forced closed',
    );
    await cli(['reset', 'dep', ...fleet]);
  }, 30_000);

  it('watch refreshes until interrupted (exit 130)', async () => {
    const run = await cli(['watch', ...fleet, '--interval', '200ms'], /(dep +closed[\s\S]*){2}/);
    expect(run.code).toBe(130);
    expect(run.stdout.match(/breakwater watch/g)?.length).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('exit codes scripts can rely on: 1 for a breaker nobody has or no Redis, 2 for a bad command line', async () => {
    const port = await freePort();
    const [nobody, down, noName, badFor, noRedis] = await Promise.all([
      cli(['force-open', 'nobody', ...fleet]),
      cli(['status', '--redis', `redis://127.0.0.1:${port}`]),
      cli(['reset', ...fleet]),
      cli(['open', 'dep', '--for', 'soon', ...fleet]),
      cli(['status']),
    ]);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain("No instance has a breaker named 'nobody'");
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/Cannot reach Redis|ECONNREFUSED/);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('expected one breaker name');
    expect(badFor.code).toBe(2);
    expect(badFor.stderr).toContain('expected `--for` to be a duration');
    expect(noRedis.code).toBe(2);
    expect(noRedis.stderr).toContain('`--redis <url>` is required');
    for (const run of [nobody, down, noName, badFor, noRedis]) expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
