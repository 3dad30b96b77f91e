import { describe, expect, it, vi } from 'vitest';
import { deferred, flush } from '../test/support/flush.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import type { CircuitBreakerOptions } from './options.js';

const ok = () => Promise.resolve('ok');
const boom = () => Promise.reject(new Error('boom'));

/** A breaker that has just become half-open. */
async function halfOpen(options: CircuitBreakerOptions = {}) {
  const clock = new FakeClock();
  const breaker = new CircuitBreaker({
    name: 'dep',
    clock,
    failureThreshold: 1,
    resetTimeout: 1000,
    ...options,
  });
  await breaker.call(boom).catch(() => {});
  clock.advance(1000);
  expect(breaker.state).toBe('half_open');
  return { clock, breaker };
}

describe('half-open', () => {
  it('one successful trial closes the breaker by default', async () => {
    const { breaker } = await halfOpen();
    await breaker.call(ok);
    expect(breaker.state).toBe('closed');
  });

  it('one failed trial re-opens it', async () => {
    const { breaker } = await halfOpen();
    await breaker.call(boom).catch(() => {});
    expect(breaker.state).toBe('open');
  });

  it('needs successThreshold successful trials to close', async () => {
    const { breaker } = await halfOpen({ successThreshold: 3 });
    await breaker.call(ok);
    await breaker.call(ok);
    expect(breaker.state).toBe('half_open');
    await breaker.call(ok);
    expect(breaker.state).toBe('closed');
  });

  it('callers beyond the trial quota fail fast and are not queued', async () => {
    const { breaker } = await halfOpen({ halfOpenMaxCalls: 2 });
    const trials = [deferred<string>(), deferred<string>()];
    const running = trials.map((d) => breaker.call(() => d.promise));
    const fn = vi.fn(ok);
    await expect(breaker.call(fn)).rejects.toMatchObject({
      code: 'ERR_CIRCUIT_OPEN',
      state: 'half_open',
      retryAfter: 0,
    });
    expect(fn).not.toHaveBeenCalled();
    expect(breaker.isAvailable()).toBe(false);
    trials[0]!.resolve('a');
    await running[0];
    expect(breaker.state).toBe('closed');
    trials[1]!.resolve('b');
    await Promise.all(running);
  });

  it('an ignored trial frees its slot without deciding', async () => {
    class Business extends Error {}
    const { breaker } = await halfOpen({ exclude: [Business] });
    await breaker.call(() => Promise.reject(new Business())).catch(() => {});
    expect(breaker.state).toBe('half_open');
    expect(breaker.isAvailable()).toBe(true);
    await breaker.call(ok);
    expect(breaker.state).toBe('closed');
  });

  it('isAvailable() neither admits a call nor takes a trial slot', async () => {
    const { breaker } = await halfOpen();
    expect(breaker.isAvailable()).toBe(true);
    expect(breaker.isAvailable()).toBe(true);
    await breaker.call(ok);
    expect(breaker.metrics()).toMatchObject({ totalCalls: 2, successfulCalls: 1, state: 'closed' });
  });

  it('with a slow-call rule, a slow trial counts as a failed trial', async () => {
    const { clock, breaker } = await halfOpen({
      slowCallRateThreshold: 1,
      slowCallDuration: 50,
      failureThreshold: 1,
      minimumCalls: 1,
    });
    const d = deferred<string>();
    const trial = breaker.call(() => d.promise);
    clock.advance(51);
    d.resolve('slow');
    await expect(trial).resolves.toBe('slow');
    expect(breaker.state).toBe('open');
  });

  it('a hung trial cannot wedge it: halfOpenTimeout re-opens and grows the backoff', async () => {
    const { clock, breaker } = await halfOpen({ halfOpenTimeout: 5000, backoff: { multiplier: 2 } });
    const hung = breaker.call(() => new Promise<never>(() => {}));
    clock.advance(4999);
    expect(breaker.state).toBe('half_open');
    clock.advance(1);
    expect(breaker.state).toBe('open');
    expect(breaker.metrics().retryAt! - clock.wallNow()).toBe(2000);
    void hung;
  });

  it('a half-open timeout with no hung trial re-opens without growing the backoff', async () => {
    const { clock, breaker } = await halfOpen({ halfOpenTimeout: 5000, successThreshold: 2, backoff: true });
    await breaker.call(ok); // one success of two; no trial in flight
    clock.advance(5000);
    expect(breaker.state).toBe('open');
    expect(breaker.metrics().retryAt! - clock.wallNow()).toBe(1000);
  });

  it('a hung call that settles after the half-open timeout is stale (metrics only)', async () => {
    const { clock, breaker } = await halfOpen({ halfOpenTimeout: 5000 });
    const d = deferred<string>();
    const hung = breaker.call(() => d.promise);
    clock.advance(5000);
    expect(breaker.state).toBe('open');
    clock.advance(1000);
    expect(breaker.state).toBe('half_open');
    d.resolve('late');
    await hung;
    expect(breaker.state).toBe('half_open');
    expect(breaker.metrics().successfulCalls).toBe(1);
  });
});

describe('transitions that fell due unread', () => {
  it('a half-open timeout re-opens at its deadline, however late the breaker is read', () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, resetTimeout: 100, halfOpenTimeout: 50 });
    breaker.open();
    clock.advance(100);
    void breaker.call(() => new Promise(() => {})); // a hung trial: the deadline is t = 150
    clock.advance(1150); // re-opened at 150 until 250 (attempt 2 without backoff: 100 ms), then half-open
    expect(breaker.state).toBe('half_open');
    expect(breaker.metrics().stateTransitions).toBe(4); // open, half_open, open, half_open
  });

  it('one read applies every transition that is due, each at its own time', () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, resetTimeout: 0, halfOpenTimeout: 50, successThreshold: 2 });
    breaker.open();
    void breaker.call(() => new Promise(() => {}));
    clock.advance(50);
    expect(breaker.state).toBe('half_open'); // re-opened at 50 for 0 ms, so half-open again
  });

  it('manual control applies a transition that fell due first', () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, resetTimeout: 100 });
    const seen: string[] = [];
    breaker.open();
    clock.advance(100);
    breaker.on('stateChange', ({ from, to }) => seen.push(`${from}->${to}`));
    breaker.forceOpen();
    expect(seen).toEqual(['open->half_open', 'half_open->forced_open']);
    expect(breaker.metrics().stateTransitions).toBe(3);
  });
});

describe('generations', () => {
  it('a stale call cannot close a half-open breaker', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 2, resetTimeout: 1000 });
    const slow = deferred<string>();
    const admittedWhileClosed = breaker.call(() => slow.promise);
    await breaker.call(boom).catch(() => {});
    await breaker.call(boom).catch(() => {});
    expect(breaker.state).toBe('open');
    clock.advance(1000);
    expect(breaker.state).toBe('half_open');
    slow.resolve('late');
    await admittedWhileClosed;
    expect(breaker.state).toBe('half_open');
    expect(breaker.metrics().successfulCalls).toBe(1); // counted in metrics
  });

  it('a stale failure cannot re-open a half-open breaker or trip a closed one', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, resetTimeout: 1000 });
    const stale = deferred<string>();
    const early = breaker.call(() => stale.promise);
    breaker.open();
    clock.advance(1000);
    stale.reject(new Error('late failure'));
    await early.catch(() => {});
    expect(breaker.state).toBe('half_open');
    await breaker.call(ok);
    expect(breaker.state).toBe('closed');
    expect(breaker.metrics().failedCalls).toBe(1); // counted in the metrics only
  });

  it('a transition into the current state is no transition (forceOpen twice emits one stateChange)', () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock() });
    const changes = vi.fn();
    breaker.on('stateChange', changes);
    breaker.forceOpen();
    breaker.forceOpen();
    expect(changes).toHaveBeenCalledTimes(1);
    expect(breaker.metrics().stateTransitions).toBe(1);
  });

  it('half-open keeps the figures that tripped it; entering closed clears the window and the consecutive count', async () => {
    const { clock, breaker } = await halfOpen();
    const tripped = { windowCalls: 1, consecutiveFailures: 1, failureRate: 1 };
    expect(breaker.metrics()).toMatchObject(tripped);
    await breaker.call(boom).catch(() => {});
    expect(breaker.metrics()).toMatchObject({ state: 'open', ...tripped });
    clock.advance(1000);
    await breaker.call(ok);
    expect(breaker.metrics()).toMatchObject({ state: 'closed', windowCalls: 0, consecutiveFailures: 0 });
    await flush();
  });
});
