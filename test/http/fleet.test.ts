import { createServer } from 'node:http';
import { CircuitBreaker, FakeClock, type FleetStatus, MemoryStore, type StoreAdmin } from 'breakwater';
import {
  type AdminHandlerOptions,
  createFleetHandler,
  type DashboardTick,
  type DashboardTransition,
} from 'breakwater/http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listen, stop, until } from '../support/listen.js';
import { openStream } from '../support/sse.js';
import { TestFleet } from '../support/TestFleet.js';

const TOKEN = 'fleet-token-81c2';
const auth = { authorization: `Bearer ${TOKEN}` };
const cleanups: Array<() => void | Promise<void>> = [];
const fail = (): Promise<never> => Promise.reject(new Error('down'));

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(fleet: StoreAdmin, options: AdminHandlerOptions = { token: TOKEN }) {
  const handler = createFleetHandler(fleet, { tickInterval: 40, ...options });
  const server = createServer(handler);
  const url = await listen(server);
  cleanups.push(async () => {
    handler.close();
    await stop(server);
  });
  return url;
}

describe('createFleetHandler(storeAdmin)', () => {
  it('lists and finds the fleet’s breakers as the store shares them', async () => {
    const fleet = new TestFleet();
    fleet.add('payments', 'closed');
    fleet.add('inventory', 'open', { retryAt: Date.now() + 30_000, failureRate: 0.6, instances: 5 });
    const url = await serve(fleet);

    const list = await (await fetch(`${url}/breakers`)).json();
    expect(list.groups).toEqual([]);
    expect(list.breakers).toEqual([
      { kind: 'fleet', ...fleet.breakers.get('payments') },
      { kind: 'fleet', ...fleet.breakers.get('inventory') },
    ]);
    expect(await (await fetch(`${url}/breakers/inventory`)).json()).toMatchObject({
      kind: 'fleet',
      state: 'open',
      instances: 5,
    });
    expect((await fetch(`${url}/breakers/ghost`)).status).toBe(404);
  });

  it('controls the whole fleet with the token: commands mapped, ?for= passed as openFor', async () => {
    const fleet = new TestFleet();
    fleet.add('payments', 'closed');
    const url = await serve(fleet);
    const post = (path: string, headers: Record<string, string> = auth) =>
      fetch(`${url}/breakers/${path}`, { method: 'POST', headers });

    expect((await post('payments/force-open', {})).status).toBe(401);
    expect(fleet.commands).toEqual([]);
    const opened = await post('payments/open?for=90s');
    expect(opened.status).toBe(200);
    expect(await opened.json()).toMatchObject({
      command: 'open',
      durationMs: 90_000,
      breaker: { kind: 'fleet', state: 'open' },
    });
    await post('payments/force-open');
    await post('payments/force-close');
    await post('payments/reset');
    await post('payments/open');
    expect(fleet.commands).toEqual([
      ['payments', 'open', 90_000],
      ['payments', 'force_open', undefined],
      ['payments', 'force_close', undefined],
      ['payments', 'reset', undefined],
      ['payments', 'open', undefined],
    ]);
    const unknown = await post('ghost/reset');
    expect(unknown.status).toBe(404);
    expect(fleet.commands).toHaveLength(5);
  });

  it('is off (403) without a token', async () => {
    const fleet = new TestFleet();
    fleet.add('payments', 'closed');
    const url = await serve(fleet, {});
    expect((await fetch(`${url}/breakers/payments/reset`, { method: 'POST', headers: auth })).status).toBe(
      403,
    );
    expect(fleet.commands).toEqual([]);
  });

  it('reports health from the shared states, and 503 without secrets while the store is out of reach', async () => {
    const fleet = new TestFleet();
    fleet.add('payments', 'closed');
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const url = await serve(fleet, { token: TOKEN, logger });
    let res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'healthy',
      breakers: { payments: { state: 'closed', failureCount: 10, failureRate: 0.05, instances: 3 } },
    });
    fleet.add('search', 'half_open');
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'degraded' });

    fleet.unreachable = true;
    res = await fetch(`${url}/health`);
    expect(res.status).toBe(503);
    const body = await res.text();
    expect(body).not.toContain('hunter2');
    expect(JSON.parse(body)).toEqual({ status: 'unhealthy', error: 'The store could not be read' });
    const list = await fetch(`${url}/breakers`);
    expect(list.status).toBe(500);
    expect(await list.text()).not.toContain('hunter2');
    expect(logger.error).toHaveBeenCalled();
  });

  it('streams the fleet: ticks with the shared figures, transitions seen between ticks, the store’s outages', async () => {
    const fleet = new TestFleet();
    fleet.add('payments', 'closed');
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const url = await serve(fleet, { token: TOKEN, logger });
    const events = await openStream(`${url}/events`);
    cleanups.push(() => events.close());
    const tick = JSON.parse((await events.next((e) => e.event === 'tick', 'a tick')).data) as DashboardTick;
    expect(tick.scope).toBe('fleet');
    expect(tick.items).toEqual([
      expect.objectContaining({
        name: 'payments',
        kind: 'breaker',
        state: 'closed',
        windowCalls: 200,
        failureRate: 0.05,
        instances: 3,
        rate: null,
        p50: null,
        p99: null,
      }),
    ]);

    // Another operator (or the CLI) opens it: the next poll sees the change.
    await fleet.control('payments', 'open', 30_000);
    const transition = await events.next((e) => e.event === 'transition', 'the transition');
    expect(JSON.parse(transition.data) as DashboardTransition).toMatchObject({
      name: 'payments',
      from: 'closed',
      to: 'open',
      reason: 'manual_open',
    });
    const open = await events.next(
      (e) => e.event === 'tick' && (JSON.parse(e.data) as DashboardTick).items[0]?.state === 'open',
      'a tick with the breaker open',
    );
    const retryIn = (JSON.parse(open.data) as DashboardTick).items[0]!.retryIn!;
    expect(retryIn).toBeGreaterThan(25_000);
    expect(retryIn).toBeLessThanOrEqual(30_000);

    // The store goes away: the stream says so and repeats the last figures; nothing crashes.
    fleet.unreachable = true;
    const failing = await events.next(
      (e) => e.event === 'tick' && (JSON.parse(e.data) as DashboardTick).error !== undefined,
      'a tick reporting the outage',
    );
    const failed = JSON.parse(failing.data) as DashboardTick;
    expect(failed.error).toBe('The breakers could not be read');
    expect(failed.items[0]).toMatchObject({ name: 'payments', state: 'open' });
    expect(failing.data).not.toContain('hunter2');
    fleet.unreachable = false;
    const mark = events.events.length;
    await events.next(
      (e) => e.event === 'tick' && (JSON.parse(e.data) as DashboardTick).error === undefined,
      'a tick once the store is back',
      mark,
    );
    await until(() => logger.error.mock.calls.length > 0, 'the outage logged');
  });

  it('tells why the fleet refuses calls: the reason, the instance that decided (when the store knows it) and the shared figures', async () => {
    const fleet = new TestFleet();
    fleet.add('orders-db', 'open', {
      reason: 'failure_threshold',
      retryAt: Date.now() + 30_000,
      windowCalls: 40,
      failures: 17,
      failureRate: 17 / 40,
      slowCalls: 4,
      slowCallRate: 0.1,
      openedBy: 'web-2',
    } as Partial<FleetStatus>);
    fleet.add('payments', 'closed', { reason: 'trial_succeeded' });
    const url = await serve(fleet);
    const events = await openStream(`${url}/events`);
    cleanups.push(() => events.close());
    const tick = JSON.parse((await events.next((e) => e.event === 'tick', 'a tick')).data) as DashboardTick;
    expect(tick.items.find((item) => item.name === 'orders-db')).toMatchObject({
      state: 'open',
      openReason: 'failure_threshold',
      openedBy: 'web-2',
      failures: 17,
      windowCalls: 40,
      failureRate: 17 / 40,
      slowCallRate: 0.1,
      consecutiveFailures: null,
    });
    expect(tick.items.find((item) => item.name === 'payments')).toMatchObject({
      state: 'closed',
      reason: 'trial_succeeded',
      openReason: null,
      openedBy: null,
    });
  });

  it('shares a backoff attempt that stays 1 through failed trials when backoff is off, and grows with it', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore({ clock });
    const plain = new CircuitBreaker({ name: 'plain', store, clock, failureThreshold: 1, resetTimeout: 100 });
    const growing = new CircuitBreaker({
      name: 'growing',
      store,
      clock,
      failureThreshold: 1,
      resetTimeout: 100,
      backoff: { multiplier: 2, max: 100_000 },
    });
    const url = await serve(store);
    const attempts = async () =>
      Object.fromEntries(
        ((await (await fetch(`${url}/breakers`)).json()).breakers as FleetStatus[]).map((b) => [
          b.name,
          b.backoffAttempt,
        ]),
      );
    for (let trial = 0; trial < 4; trial++) {
      for (const breaker of [plain, growing]) await breaker.call(fail).catch(() => {});
      clock.advance(100_000); // half-open: the next call is a trial, which fails
    }
    expect(await attempts()).toEqual({ growing: 4, plain: 1 });
    plain.dispose();
    growing.dispose();
  });

  it('serves the same page, told it shows a fleet', async () => {
    const url = await serve(new TestFleet());
    const html = await (await fetch(`${url}/`)).text();
    expect(html).toContain('"scope":"fleet"');
    expect(html).toContain('"title":"breakwater fleet"');
  });

  it('rejects what is not a StoreAdmin', () => {
    expect(() => createFleetHandler({ list: () => [] } as never)).toThrow(
      /Expected `admin` to be a StoreAdmin \(an object with list\(\) and control\(\)\)/,
    );
  });
});
