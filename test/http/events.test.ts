import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CircuitBreakerRegistry, FakeClock } from 'breakwater';
import {
  type AdminHandlerOptions,
  createAdminHandler,
  type DashboardItem,
  type DashboardTick,
  type DashboardTransition,
} from 'breakwater/http';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, stop, until } from '../support/listen.js';
import { openStream, type SseEvent, type SseStream } from '../support/sse.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cleanups: Array<() => void | Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(registry: CircuitBreakerRegistry, options: AdminHandlerOptions = {}) {
  const handler = createAdminHandler(registry, { tickInterval: 50, ...options });
  const server = createServer(handler);
  const url = await listen(server);
  cleanups.push(async () => {
    handler.close();
    await stop(server);
  });
  return { url, handler };
}

async function stream(url: string): Promise<SseStream> {
  const opened = await openStream(`${url}/events`);
  cleanups.push(() => opened.close());
  return opened;
}

const isTick = (event: SseEvent) => event.event === 'tick';
const itemOf = (event: SseEvent, name: string): DashboardItem | undefined =>
  (JSON.parse(event.data) as DashboardTick).items.find((item) => item.name === name);

/** Counts the subscriptions made through `on()` that are still live. */
function countSubscriptions(target: { on: (...args: never[]) => () => void }): { live: number } {
  const count = { live: 0 };
  const on = target.on.bind(target) as (...args: unknown[]) => () => void;
  (target as { on: unknown }).on = (...args: unknown[]) => {
    const off = on(...args);
    count.live++;
    let subscribed = true;
    return () => {
      if (subscribed) count.live--;
      subscribed = false;
      off();
    };
  };
  return count;
}

describe('GET /events', () => {
  it('sends each transition as it happens, for breakers created later and keyed ones too', async () => {
    const registry = new CircuitBreakerRegistry();
    const payments = registry.register('payments');
    const { url } = await serve(registry, { tickInterval: 60_000 });
    const events = await stream(url);
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(events.headers.get('cache-control')).toBe('no-store');
    await events.next(isTick, 'the first tick, sent at once');

    payments.forceOpen();
    const later = registry.register('search');
    later.open(1000);
    registry.keyed('tenants').get('acme').forceClose();
    await until(() => events.data<DashboardTransition>('transition').length >= 3, 'three transitions');
    expect(events.data<DashboardTransition>('transition').map(({ at: _at, ...t }) => t)).toEqual([
      { name: 'payments', from: 'closed', to: 'forced_open', reason: 'force_open' },
      { name: 'search', from: 'closed', to: 'open', reason: 'manual_open' },
      { name: 'tenants:acme', group: 'tenants', from: 'closed', to: 'forced_closed', reason: 'force_close' },
    ]);
    const [first] = events.data<DashboardTransition>('transition');
    expect(Math.abs(first!.at - Date.now())).toBeLessThan(60_000);
  });

  it('sends a tick each interval whose figures are that tick’s own, from histogram differences', async () => {
    const clock = new FakeClock();
    const registry = new CircuitBreakerRegistry({ clock, defaults: { latencySampling: 1 } });
    const api = registry.register('api', {
      failureRateThreshold: 0.9,
      minimumCalls: 1000,
      window: { type: 'count', size: 1000 },
    });
    const { url } = await serve(registry, { tickInterval: 40 });
    const events = await stream(url);
    const call = (ms: number, fails = false) =>
      api
        .call(() => {
          clock.advance(ms); // the call "takes" ms on the breaker's clock
          if (fails) throw new Error('boom');
          return 'ok';
        })
        .catch(() => {});
    await events.next(isTick, 'a first tick');

    // 100 calls of 50 ms, then, in a later tick, 20 calls of 5 ms, half of them failing.
    for (let i = 0; i < 100; i++) await call(50);
    let mark = events.events.length;
    const slow = itemOf(
      await events.next(
        (e) => isTick(e) && itemOf(e, 'api')?.p50 !== null,
        'a tick with the slow calls',
        mark,
      ),
      'api',
    )!;
    expect(slow.p50).toBeGreaterThan(45);
    expect(slow.p50).toBeLessThanOrEqual(50);
    expect(slow.errorRate).toBe(0);
    expect(slow.rate).toBeGreaterThan(0);

    mark = events.events.length;
    await events.next(isTick, 'a tick with no calls', mark); // the slow calls are now in the past
    for (let i = 0; i < 20; i++) await call(5, i % 2 === 0);
    mark = events.events.length;
    const fast = itemOf(
      await events.next(
        (e) => isTick(e) && itemOf(e, 'api')?.p50 !== null,
        'a tick with the fast calls',
        mark,
      ),
      'api',
    )!;
    // Cumulatively the median is still 50 ms (100 of 120 calls); the tick's own median is 5 ms.
    expect(api.metrics().latency.p50).toBeGreaterThan(45);
    // (Within the histogram's resolution: buckets are at most 1/16 wide.)
    expect(fast.p50).toBeGreaterThan(4.5);
    expect(fast.p50).toBeLessThan(5.5);
    expect(fast.p99).toBeLessThan(5.5);
    expect(fast.errorRate).toBe(0.5);
    expect(fast.failureRate).toBeCloseTo(10 / 120);
    expect(fast.windowCalls).toBe(120);

    // A reset starts the counters again from 0: the next tick counts from there, never negative.
    api.reset();
    for (let i = 0; i < 3; i++) await call(20);
    mark = events.events.length;
    const afterReset = itemOf(
      await events.next((e) => isTick(e) && itemOf(e, 'api')?.p50 !== null, 'a tick after the reset', mark),
      'api',
    )!;
    expect(afterReset.rate).toBeGreaterThan(0);
    expect(afterReset.p50).toBeGreaterThan(18);
  });

  it('shows a keyed group as one item with its states, its not-closed keys and the retry countdown of a breaker', async () => {
    const clock = new FakeClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const tenants = registry.keyed('tenants', { failureThreshold: 1 });
    for (let i = 0; i < 30; i++) tenants.get(`t${i}`);
    await tenants
      .get('t3')
      .call(() => Promise.reject(new Error('x')))
      .catch(() => {});
    registry.register('db', { resetTimeout: 30_000 }).open();
    clock.advance(10_000);
    const { url } = await serve(registry);
    const events = await stream(url);
    const tick = JSON.parse((await events.next(isTick, 'a tick')).data) as DashboardTick;
    expect(tick.scope).toBe('instance');
    expect(tick.items.map((item) => item.name)).toEqual(['db', 'tenants']);
    expect(tick.items[0]).toMatchObject({
      kind: 'breaker',
      state: 'open',
      retryIn: 20_000,
      openReason: 'manual_open',
      openedBy: null,
    });
    expect(tick.items[1]).toMatchObject({
      kind: 'group',
      state: 'open',
      keys: 30,
      open: 1,
      failures: 1,
      windowCalls: 1,
      states: { closed: 29, open: 1 },
      notClosed: [{ name: 'tenants:t3', state: 'open' }],
      notClosedCount: 1,
    });
  });

  it('tells why an open breaker refuses calls and the figures that tripped it; nothing of the kind once it closes', async () => {
    const clock = new FakeClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const db = registry.register('db', {
      failureRateThreshold: 0.5,
      minimumCalls: 4,
      slowCallDuration: 100,
      slowCallRateThreshold: 0.9, // a slow-call rule times every call; 25% slow does not trip it
      resetTimeout: 1000,
    });
    await db.call(async () => clock.advance(150)); // slow, successful
    for (let i = 0; i < 3; i++) await db.call(() => Promise.reject(new Error('refused'))).catch(() => {});
    const { url } = await serve(registry);
    const events = await stream(url);
    const open = itemOf(await events.next(isTick, 'a tick'), 'db')!;
    expect(open).toMatchObject({
      state: 'open',
      openReason: 'failure_rate',
      openedBy: null,
      failureRate: 0.75,
      failures: 3,
      windowCalls: 4,
      slowCallRate: 0.25,
      consecutiveFailures: 3,
    });
    db.reset();
    const closed = itemOf(
      await events.next((e) => isTick(e) && itemOf(e, 'db')?.state === 'closed', 'a tick after the reset'),
      'db',
    )!;
    expect(closed).toMatchObject({ openReason: null, failures: 0, windowCalls: 0 });
  });

  it('drops a client that never reads, and keeps serving the others', async () => {
    const registry = new CircuitBreakerRegistry();
    // Big ticks, often: what a reader never takes piles up fast.
    for (let i = 0; i < 300; i++) registry.register(`breaker-with-a-long-name-${String(i).padStart(4, '0')}`);
    const { url, handler } = await serve(registry, {
      tickInterval: 20,
      maxBufferBytes: 64 * 1024,
      stallTimeout: 300,
    });
    const reader = await stream(url);
    await reader.next(isTick, 'a tick for the reading client');

    const { port } = new URL(url);
    const stalled = connect(Number(port), '127.0.0.1');
    cleanups.push(() => void stalled.destroy());
    let closed = false;
    stalled.on('close', () => (closed = true));
    stalled.on('error', () => {});
    stalled.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    stalled.pause(); // never reads
    await until(() => handler.streams === 2, 'the stalled client connected');
    const started = performance.now();
    await until(() => handler.streams === 1, 'the stalled client dropped', 20_000);
    console.log(`the stalled client was dropped after ${(performance.now() - started).toFixed(0)} ms`);
    // The server cut it: once the socket reads again, it reaches the end of the connection.
    stalled.resume();
    await until(() => closed, 'the stalled socket closed by the server');
    const mark = reader.events.length;
    await reader.next(isTick, 'ticks still reaching the reading client', mark);
    expect(reader.ended).toBe(false);
  }, 30_000);

  it('serves at most maxClients at once: more get a 503 with Retry-After, until one leaves', async () => {
    const registry = new CircuitBreakerRegistry();
    const { url, handler } = await serve(registry, { maxClients: 2 });
    const a = await stream(url);
    await stream(url);
    const refused = await fetch(`${url}/events`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ error: 'unavailable' });
    a.close();
    await until(() => handler.streams === 1, 'a client left');
    const again = await stream(url);
    expect(again.status).toBe(200);
  });

  it('leaves no listener behind and stops sampling when the last client goes', async () => {
    const registry = new CircuitBreakerRegistry();
    const payments = registry.register('payments');
    const tenants = registry.keyed('tenants');
    const member = tenants.get('a');
    const onRegistry = countSubscriptions(registry as never);
    const onPayments = countSubscriptions(payments as never);
    const onMember = countSubscriptions(member as never);
    let samples = 0;
    const groups = registry.groups.bind(registry);
    registry.groups = () => {
      samples++;
      return groups();
    };
    const { url, handler } = await serve(registry, { tickInterval: 20 });

    const first = await stream(url);
    const second = await stream(url);
    await first.next(isTick, 'a tick');
    expect(onRegistry.live).toBe(2); // add and remove
    expect(onPayments.live).toBe(1);
    expect(onMember.live).toBe(1);

    first.close();
    await until(() => handler.streams === 1, 'one client left');
    expect(onPayments.live).toBe(1);
    second.close();
    await until(() => handler.streams === 0, 'both clients left');
    expect(onRegistry.live).toBe(0);
    expect(onPayments.live).toBe(0);
    expect(onMember.live).toBe(0);
    const sampled = samples;
    await new Promise((resolve) => setTimeout(resolve, 150)); // several tick intervals with nobody
    expect(samples).toBe(sampled);
  });

  it('sends heartbeats, and close() ends every stream and refuses new ones', async () => {
    const registry = new CircuitBreakerRegistry();
    const { url, handler } = await serve(registry, { tickInterval: 60_000, heartbeatInterval: 30 });
    const events = await stream(url);
    await events.next((e) => e.event === 'comment' && e.data === 'heartbeat', 'a heartbeat');
    expect(events.events[0]).toEqual({ event: 'retry', data: '' });
    handler.close();
    await until(() => events.ended, 'the stream ended');
    expect((await fetch(`${url}/events`)).status).toBe(503);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('keeps its timers unref()ed: an open dashboard does not keep the process alive', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/open-event-stream.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 15_000, // a process kept alive is killed and fails below
    });
    expect(child.stderr).toBe('');
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    expect(child.stdout).toContain('streaming, then unref()ed the sockets');
  });
});
