import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/Command.js';
import { createDashboardCommand } from '../../src/cli/commands/dashboard.js';
import { CircuitBreaker } from '../../src/index.js';
import { RedisStore } from '../../src/redis/index.js';
import { describeRedis, RedisServer, waitFor } from '../support/redisServer.js';

// `breakwater dashboard --redis URL`: the fleet view served from the shared state in Redis, with no
// application instance involved; its control buttons reach the bound breakers.

describeRedis('breakwater dashboard against a fleet in Redis', () => {
  const server = new RedisServer();
  const namespace = `dash-${process.pid}`;
  let client: Redis;
  let store: RedisStore;

  beforeAll(async () => {
    await server.start();
    client = new Redis(server.url, { lazyConnect: true });
    await client.connect();
    store = new RedisStore({ client, namespace });
  }, 30_000);

  afterAll(async () => {
    await store.close();
    client.disconnect();
    await server.dispose();
  });

  it('lists the fleet’s breakers, and its reset button resets them on every instance', async () => {
    const breaker = new CircuitBreaker({
      name: 'payments',
      store,
      failureThreshold: 2,
      resetTimeout: 60_000,
    });
    await breaker.call(async () => 'ok');
    breaker.forceOpen();
    await waitFor(
      async () => (await store.list()).some((s) => s.name === 'payments' && s.state === 'forced_open'),
      'the forced state in Redis',
    );

    const out: string[] = [];
    const err: string[] = [];
    const interrupt = new AbortController();
    const io: CliIo = {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      color: false,
      signal: interrupt.signal,
    };
    const running = createDashboardCommand().run(
      ['--redis', server.url, '--namespace', namespace, '--token', 'fleet-token-1234'],
      io,
    );
    let url = '';
    await waitFor(
      () => {
        url = /dashboard +(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out.join(''))?.[1] ?? '';
        return url !== '';
      },
      'the dashboard address',
      20_000,
    );

    const listed = (await (await fetch(`${url}breakers/payments`)).json()) as {
      state: string;
      instances: number;
    };
    expect(listed).toMatchObject({ state: 'forced_open', instances: 1 });
    const reset = await fetch(`${url}breakers/payments/reset`, {
      method: 'POST',
      headers: { authorization: 'Bearer fleet-token-1234' },
    });
    expect(reset.status).toBe(200);
    await waitFor(() => breaker.state === 'closed', 'the instance to hear the reset');

    interrupt.abort();
    expect(await running).toBe(130);
    expect(err.join('')).toBe('');
    breaker.dispose();
  }, 60_000);
});
