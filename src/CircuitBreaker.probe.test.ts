import { describe, expect, it, vi } from 'vitest';
import { deferred, flush } from '../test/support/flush.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import { MemoryStore } from './store/MemoryStore.js';

// The active recovery probe (DESIGN section 10): at the end of the open period the breaker runs the
// probe itself as the half-open trial, so a quiet service recovers without traffic.

const down = (): Promise<never> => Promise.reject(new Error('down'));

async function trip(breaker: CircuitBreaker<unknown>): Promise<void> {
  await breaker.call(down).catch(() => {});
  expect(breaker.state).toBe('open');
}

describe('probe', () => {
  it('closes a quiet breaker: no call arrives, the probe is the trial', async () => {
    const clock = new FakeClock();
    const probe = vi.fn(async () => 'healthy');
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, resetTimeout: 1000, probe });
    const seen: string[] = [];
    breaker.on('stateChange', ({ to, reason }) => seen.push(`${to}:${reason}`));
    await trip(breaker);
    expect(clock.refedTimers).toBe(0); // its deadline timer keeps no process alive
    clock.advance(1000); // the deadline timer fires: half-open, and the probe runs
    await flush();
    expect(probe).toHaveBeenCalledOnce();
    expect(seen).toEqual(['open:failure_threshold', 'half_open:reset_timeout', 'closed:trial_succeeded']);
    expect(breaker.metrics()).toMatchObject({ successfulCalls: 1, failedCalls: 1 });
  });

  it('one failing probe re-opens it, with the backoff growing; the next round probes again', async () => {
    const clock = new FakeClock();
    let healthy = false;
    const probe = vi.fn(async () => {
      if (!healthy) throw new Error('still down');
      return 'ok';
    });
    const breaker = new CircuitBreaker({
      clock,
      failureThreshold: 1,
      resetTimeout: 1000,
      backoff: true,
      probe,
    });
    await trip(breaker);
    clock.advance(1000);
    await flush();
    expect(breaker.state).toBe('open');
    expect(breaker.metrics().retryAt! - clock.wallNow()).toBe(2000); // backoff: 1 s, then 2 s
    healthy = true;
    clock.advance(2000);
    await flush();
    expect(breaker.state).toBe('closed');
    expect(probe).toHaveBeenCalledTimes(2);
  });

  it('a round that needs several successes probes until it has them', async () => {
    const clock = new FakeClock();
    const probe = vi.fn(async () => 'ok');
    const breaker = new CircuitBreaker({
      clock,
      failureThreshold: 1,
      resetTimeout: 10,
      successThreshold: 3,
      probe,
    });
    await trip(breaker);
    clock.advance(10);
    for (let i = 0; i < 6; i++) await flush();
    expect(breaker.state).toBe('closed');
    expect(probe).toHaveBeenCalledTimes(3);
  });

  it('a hung probe is cut by halfOpenTimeout: its signal aborts, the breaker re-opens, no timer holds the process', async () => {
    const clock = new FakeClock();
    const hang = deferred<string>();
    let signal: AbortSignal | undefined;
    const probe = vi.fn((ctx: { signal: AbortSignal }) => {
      signal = ctx.signal;
      return hang.promise;
    });
    const breaker = new CircuitBreaker({
      clock,
      failureThreshold: 1,
      resetTimeout: 100,
      halfOpenTimeout: 500,
      probe,
    });
    await trip(breaker);
    clock.advance(100);
    await flush();
    expect(breaker.state).toBe('half_open');
    expect(clock.refedTimers).toBe(0);
    clock.advance(500);
    expect(breaker.state).toBe('open');
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toMatchObject({ code: 'ERR_CIRCUIT_TIMEOUT' });
    hang.resolve('too late');
    await flush();
    expect(breaker.state).toBe('open'); // the late outcome is stale
  });

  it('a probe that never settles is settled when it is cut: it frees its slot and counts as a timeout once', async () => {
    const clock = new FakeClock();
    const hang = deferred<string>();
    const breaker = new CircuitBreaker({
      clock,
      failureThreshold: 1,
      resetTimeout: 100,
      halfOpenTimeout: 500,
      maxConcurrentCalls: 1,
      probe: () => hang.promise,
    });
    await trip(breaker);
    clock.advance(100);
    await flush();
    expect(breaker.metrics().inFlight).toBe(1);
    clock.advance(500);
    expect(breaker.metrics()).toMatchObject({ state: 'open', inFlight: 0, timeouts: 1, failedCalls: 2 });
    hang.resolve('too late');
    await flush();
    expect(breaker.metrics()).toMatchObject({ inFlight: 0, failedCalls: 2, successfulCalls: 0 });
    // The bulkhead of 1 is free for the next round's trial.
    clock.advance(60_000);
    await expect(breaker.call(async () => 'recovered')).resolves.toBe('recovered');
  });

  it('a live call that arrives first is the trial; the probe does not add a second one', async () => {
    const clock = new FakeClock();
    const probe = vi.fn(async () => 'ok');
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, resetTimeout: 100, probe });
    await trip(breaker);
    clock.advance(100);
    const trial = deferred<string>();
    const live = breaker.call(() => trial.promise); // synchronously, before the probe's microtask
    await flush();
    expect(probe).not.toHaveBeenCalled();
    trial.resolve('ok');
    await live;
    expect(breaker.state).toBe('closed');
  });

  it('with a store, one breaker of the fleet probes per round', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const probes = [vi.fn(async () => 'ok'), vi.fn(async () => 'ok'), vi.fn(async () => 'ok')];
    const breakers = probes.map(
      (probe) =>
        new CircuitBreaker({
          name: 'shared-db',
          clock,
          store,
          failureThreshold: 1,
          resetTimeout: 1000,
          probe,
        }),
    );
    await breakers[0]!.call(down).catch(() => {});
    await flush();
    expect(breakers.map((b) => b.state)).toEqual(['open', 'open', 'open']);
    clock.advance(1000);
    for (let i = 0; i < 4; i++) await flush();
    expect(probes.reduce((n, probe) => n + probe.mock.calls.length, 0)).toBe(1);
    expect(breakers.map((b) => b.state)).toEqual(['closed', 'closed', 'closed']);
    for (const breaker of breakers) breaker.dispose();
  });

  it('with a store, when the instance probing goes away mid-probe, another probes the next round', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const hung = deferred<string>();
    const probes = [vi.fn(() => hung.promise), vi.fn(async () => 'ok')];
    const breakers = probes.map(
      (probe) =>
        new CircuitBreaker({
          name: 'shared-cache',
          clock,
          store,
          failureThreshold: 1,
          resetTimeout: 1000,
          halfOpenTimeout: 500,
          probe,
        }),
    );
    await breakers[0]!.call(down).catch(() => {});
    await flush();
    clock.advance(1000);
    for (let i = 0; i < 4; i++) await flush();
    // The first breaker bound holds the round's lease and probes; its probe hangs.
    expect(probes.map((probe) => probe.mock.calls.length)).toEqual([1, 0]);
    breakers[0]!.dispose(); // the holder goes away with its probe hanging
    for (let t = 0; t < 10 && breakers[1]!.state !== 'closed'; t++) {
      clock.advance(500);
      for (let i = 0; i < 4; i++) await flush();
    }
    expect(probes[1]).toHaveBeenCalledTimes(1);
    expect(breakers[1]!.state).toBe('closed');
    hung.resolve('late');
    for (const breaker of breakers) breaker.dispose();
  });

  it('a disposed breaker probes no more', async () => {
    const clock = new FakeClock();
    const probe = vi.fn(async () => 'ok');
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, resetTimeout: 100, probe });
    await trip(breaker);
    breaker.dispose();
    clock.advance(1000);
    await flush();
    expect(probe).not.toHaveBeenCalled();
    expect(clock.pendingTimers).toBe(0);
  });
});
