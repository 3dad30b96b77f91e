import { describe, expect, it } from 'vitest';
import { until } from '../../../test/support/listen.js';
import { TestFleet } from '../../../test/support/TestFleet.js';
import type { CliIo } from '../Command.js';
import { UsageError } from '../UsageError.js';
import { createDashboardCommand } from './dashboard.js';

function io() {
  const interrupt = new AbortController();
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    color: false,
    signal: interrupt.signal,
  };
  return { cli, out, err, interrupt };
}

describe('breakwater dashboard', () => {
  it('serves the fleet dashboard from the store it opens, until interrupted (130), then closes the store', async () => {
    const fleet = new TestFleet();
    fleet.add('payments', 'open', { retryAt: Date.now() + 30_000, instances: 4 });
    const opened: Array<[string, string]> = [];
    let closed = 0;
    const command = createDashboardCommand(async (url, namespace) => {
      opened.push([url, namespace]);
      return { admin: fleet, close: async () => void closed++ };
    });
    const { cli, out, err, interrupt } = io();
    const running = command.run(
      ['--redis', 'redis://127.0.0.1:6379', '--namespace', 'checkout', '--token', 'cli-token-1234'],
      cli,
    );
    const url = await until(
      () => /dashboard +(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out.join(''))?.[1],
      'the address',
    );
    expect(opened).toEqual([['redis://127.0.0.1:6379', 'checkout']]);
    expect(out.join('')).toContain('control    on (bearer token)');

    expect(await (await fetch(`${url}breakers/payments`)).json()).toMatchObject({
      kind: 'fleet',
      instances: 4,
    });
    expect(await (await fetch(url)).text()).toContain('"title":"breakwater fleet · checkout"');
    const reset = await fetch(`${url}breakers/payments/reset`, {
      method: 'POST',
      headers: { authorization: 'Bearer cli-token-1234' },
    });
    expect(reset.status).toBe(200);
    expect(fleet.commands).toEqual([['payments', 'reset', undefined]]);

    interrupt.abort();
    expect(await running).toBe(130);
    expect(closed).toBe(1);
    expect(err).toEqual([]);
    await expect(fetch(`${url}health`)).rejects.toThrow();
  });

  it('takes the token from BREAKWATER_TOKEN, and turns control off without one', async () => {
    const fleet = new TestFleet();
    fleet.add('payments', 'closed');
    const command = createDashboardCommand(async () => ({ admin: fleet, close: async () => {} }));
    const { cli, out, interrupt } = io();
    const saved = process.env.BREAKWATER_TOKEN;
    delete process.env.BREAKWATER_TOKEN;
    try {
      const running = command.run(['--redis', 'redis://127.0.0.1:6379'], cli);
      const url = await until(() => /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out.join(''))?.[1], 'the address');
      expect(out.join('')).toContain('control    off');
      expect((await fetch(`${url}breakers/payments/reset`, { method: 'POST' })).status).toBe(403);
      interrupt.abort();
      expect(await running).toBe(130);
    } finally {
      if (saved !== undefined) process.env.BREAKWATER_TOKEN = saved;
    }
  });

  it('reports a store it cannot read on stderr once per episode, not once per request', async () => {
    const fleet = new TestFleet();
    const command = createDashboardCommand(async () => ({ admin: fleet, close: async () => {} }));
    const { cli, out, err, interrupt } = io();
    const running = command.run(['--redis', 'redis://127.0.0.1:6379'], cli);
    const url = await until(() => /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out.join(''))?.[1], 'the address');
    fleet.unreachable = true;
    for (let i = 0; i < 3; i++) expect((await fetch(`${url}breakers`)).status).toBe(500);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^breakwater: breakwater\/http: a request failed: Error: connect ECONNREFUSED/);
    interrupt.abort();
    expect(await running).toBe(130);
  });

  it('rejects a missing --redis and a bad --port as usage errors', async () => {
    const command = createDashboardCommand(async () => {
      throw new Error('not opened');
    });
    await expect(command.run([], io().cli)).rejects.toThrow(
      new UsageError('dashboard: `--redis <url>` is required. See `breakwater dashboard --help`.'),
    );
    await expect(command.run(['--redis', 'redis://x', '--port', 'http'], io().cli)).rejects.toThrow(
      'expected `--port` to be an integer from 0 to 65535, got `http`',
    );
  });
});
