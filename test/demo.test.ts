import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commands } from '../src/cli/commands/index.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from the sources, as `npm run demo` does, and collects what it prints. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('node_modules/.bin/tsx', ['src/cli/main.ts', ...args], {
      env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The number in a summary row such as `  rejected fast          146  refused at once…`. */
function figure(output: string, label: string): number {
  const match = new RegExp(`^  ${label} +(\\d+)`, 'm').exec(output);
  if (match === null) throw new Error(`no "${label}" row in:\n${output}`);
  return Number(match[1]);
}

describe('breakwater demo', () => {
  it('tells the whole story — opens, fails fast with fallbacks, probes half-open, closes — and exits 0', async () => {
    const { code, stdout, stderr } = await cli('demo', '--speed', '8');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // Not a TTY: no colour codes.
    expect(stdout).not.toContain('\u001b[');

    // The service really goes down and comes back, and the breaker follows.
    expect(stdout).toMatch(/service goes down/);
    expect(stdout).toMatch(/service recovers/);
    expect(stdout).toMatch(/closed → OPEN .*\(failure_threshold\)/);
    expect(stdout).toMatch(/open → HALF_OPEN .*\(reset_timeout\)/);
    expect(stdout).toMatch(/half_open → CLOSED .*\(trial_succeeded\)/);
    // The timeline shows calls refused fast and answered by the fallback while open.
    expect(stdout).toMatch(/^ +[\d.]+s +OPEN +.*⚡ +[1-9]\d* rejected fast +↩ +[1-9]\d* fallbacks/m);

    // The summary adds up: every call passed, failed or was refused; every failure or refusal got
    // the fallback; refused calls never reached the service.
    const calls = figure(stdout, 'calls made');
    const passed = figure(stdout, 'passed');
    const failed = figure(stdout, 'failed');
    const rejected = figure(stdout, 'rejected fast');
    const fallbacks = figure(stdout, 'fallbacks served');
    const reached = figure(stdout, 'service reached');
    expect(passed).toBeGreaterThan(0);
    expect(failed).toBeGreaterThanOrEqual(5);
    expect(rejected).toBeGreaterThan(0);
    expect(passed + failed + rejected).toBe(calls);
    expect(fallbacks).toBe(failed + rejected);
    expect(reached).toBeGreaterThanOrEqual(passed);
    expect(reached).toBeLessThanOrEqual(passed + failed);
    expect(stdout).toMatch(/latency saved +\d+\.\d s/);
    expect(stdout).toMatch(/final state +CLOSED/);

    // The timeline is in time order: a transition never comes before the row of a second that
    // ended before it.
    const times = [...stdout.matchAll(/^ +(\d+\.\d)s {2}/gm)].map((match) => Number(match[1]));
    expect(times.length).toBeGreaterThan(20);
    for (let i = 1; i < times.length; i++)
      expect(times[i]!, `line ${i}`).toBeGreaterThanOrEqual(times[i - 1]!);
    // A trial that timed out (the service hangs) says so, rather than "the service is still down".
    expect(stdout).toMatch(/half_open → OPEN +trial call timed out \(trial_failed\)/);
    for (const line of stdout.split('\n').filter((l) => l.includes('still down'))) {
      expect(line).toMatch(/half_open → OPEN/);
    }
  }, 60_000);

  it('stops quietly when its reader goes away (`breakwater demo | head -3`)', () => {
    const run = spawnSync(
      'bash',
      [
        '-c',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion, not a template
        'node_modules/.bin/tsx src/cli/main.ts demo --speed 20 | head -3; echo "exit=${PIPESTATUS[0]}" >&2',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(run.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(run.stderr).toContain('exit=0');
  }, 60_000);

  it('ends every help text with a newline', () => {
    for (const command of commands) expect(command.help.endsWith('\n'), command.name).toBe(true);
  });

  it('rejects unknown commands, options of later issues, incomplete options and bad values with exit code 2', async () => {
    const [unknown, port, instances, speed, option, none] = await Promise.all([
      cli('frobnicate'),
      cli('demo', '--dashboard', '--port', '99999'),
      cli('demo', '--instances', '3'),
      cli('demo', '--speed', 'fast'),
      cli('demo', '--sped', '2'),
      cli(),
    ]);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/unknown command `frobnicate`.*demo/);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('expected `--port` to be an integer from 0 to 65535, got `99999`');
    expect(instances.code).toBe(2);
    expect(instances.stderr).toContain('`--instances` needs `--redis <url>`');
    expect(speed.code).toBe(2);
    expect(speed.stderr).toContain('expected `--speed` to be a number from 0.1 to 20, got `fast`');
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/--sped/);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Usage: breakwater <command>/);
  }, 60_000);

  it('prints help with exit code 0', async () => {
    const [top, demo] = await Promise.all([cli('--help'), cli('demo', '--help')]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/demo +Watch a breaker/);
    expect(top.stdout).toMatch(/status +Show the state of every breaker in the fleet/);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('--speed <factor>');
  }, 60_000);
});
