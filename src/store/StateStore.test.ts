import { describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from '../CircuitBreaker.js';
import { FakeClock } from '../clock/FakeClock.js';
import type { ResolvedOptions } from '../options.js';
import {
  type BoundBreaker,
  type LocalTransition,
  Outcome,
  type RemoteState,
  type StateStore,
  type StoreBinding,
} from './StateStore.js';

/** A store that keeps what it is told and lets the test push remote state. */
function recordingStore(permit = true) {
  const outcomes: [Outcome, number][] = [];
  const transitions: LocalTransition[] = [];
  let bound_: BoundBreaker | undefined;
  let bound: { name: string; options: ResolvedOptions } | undefined;
  const binding: StoreBinding = {
    record: (outcome, generation) => outcomes.push([outcome, generation]),
    transition: (change) => transitions.push(change),
    trialPermit: vi.fn(() => permit),
    release: vi.fn(),
  };
  const store: StateStore = {
    bind(name, options, breaker) {
      bound = { name, options };
      bound_ = breaker;
      return binding;
    },
    close: async () => {},
  };
  return {
    store,
    binding,
    outcomes,
    transitions,
    push: (remote: RemoteState) => bound_?.apply(remote),
    breaker: () => bound_,
    bound: () => bound,
  };
}

describe('the StateStore seam', () => {
  it('binds with the breaker’s name and effective options', () => {
    const s = recordingStore();
    new CircuitBreaker({ name: 'payments', store: s.store, failureThreshold: 3 });
    expect(s.bound()?.name).toBe('payments');
    expect(s.bound()?.options.failureThreshold).toBe(3);
  });

  it('receives every outcome of the current generation, coded without allocation, and local transitions', async () => {
    const clock = new FakeClock();
    const s = recordingStore();
    const breaker = new CircuitBreaker({
      clock,
      store: s.store,
      failureThreshold: 2,
      slowCallRateThreshold: 1,
      slowCallDuration: 5,
      minimumCalls: 1,
    });
    await breaker.call(async () => 'ok');
    await breaker.call(() => Promise.reject(new Error('x'))).catch(() => {});
    await breaker.call(() => Promise.reject(new Error('x'))).catch(() => {});
    expect(s.outcomes).toEqual([
      [Outcome.Success, 0],
      [Outcome.Failure, 0],
      [Outcome.Failure, 0],
    ]);
    expect(s.transitions).toEqual([
      {
        from: 'closed',
        to: 'open',
        reason: 'failure_threshold',
        generation: 1,
        epoch: 0,
        openFor: 60_000,
        backoffAttempt: 1,
      },
    ]);
  });

  it('asks for a trial permit in half-open and refuses the call without one', async () => {
    const clock = new FakeClock();
    const s = recordingStore(false);
    const breaker = new CircuitBreaker({ clock, store: s.store, failureThreshold: 1, resetTimeout: 10 });
    await breaker.call(() => Promise.reject(new Error('x'))).catch(() => {});
    clock.advance(10);
    await expect(breaker.call(async () => 'ok')).rejects.toMatchObject({ state: 'half_open', retryAfter: 0 });
    expect(s.binding.trialPermit).toHaveBeenCalledWith(2);
  });

  it('applies remote state without reporting it back', async () => {
    const clock = new FakeClock();
    const s = recordingStore();
    const breaker = new CircuitBreaker({ clock, store: s.store });
    const changes: string[] = [];
    breaker.on('stateChange', ({ to, reason }) => changes.push(`${to}:${reason}`));
    s.push({ state: 'open', retryAfter: 5000, epoch: 1 });
    expect(breaker.state).toBe('open');
    await expect(breaker.call(async () => 1)).rejects.toMatchObject({ retryAfter: 5000 });
    clock.advance(5000);
    expect(breaker.state).toBe('half_open');
    s.push({ state: 'forced_open', epoch: 2 });
    expect(changes).toEqual(['open:remote', 'half_open:reset_timeout', 'forced_open:remote']);
    expect(s.transitions.map((t) => t.reason)).toEqual(['reset_timeout']);
  });

  it('a fleet-wide reset clears local metrics too', async () => {
    const s = recordingStore();
    const breaker = new CircuitBreaker({ clock: new FakeClock(), store: s.store, failureThreshold: 1 });
    await breaker.call(() => Promise.reject(new Error('x'))).catch(() => {});
    s.push({ state: 'closed', reason: 'reset', epoch: 1 });
    expect(breaker.metrics()).toMatchObject({ state: 'closed', totalCalls: 0 });
  });

  it('manual control reaches the store (it is fleet-wide)', () => {
    const s = recordingStore();
    const breaker = new CircuitBreaker({ clock: new FakeClock(), store: s.store });
    breaker.open(1234);
    breaker.forceClose();
    breaker.reset();
    expect(s.transitions.map((t) => [t.to, t.reason, t.openFor])).toEqual([
      ['open', 'manual_open', 1234],
      ['forced_closed', 'force_close', undefined],
      ['closed', 'reset', undefined],
    ]);
  });

  it('keeps the deadline timer armed while bound, and releases the binding on dispose', async () => {
    const clock = new FakeClock();
    const s = recordingStore();
    const breaker = new CircuitBreaker({
      clock,
      store: s.store,
      failureThreshold: 1,
      window: { type: 'count', size: 10 },
    });
    await breaker.call(() => Promise.reject(new Error('x'))).catch(() => {});
    expect(clock.pendingTimers).toBe(1);
    breaker.dispose();
    expect(s.binding.release).toHaveBeenCalledOnce();
    expect(clock.pendingTimers).toBe(0);
  });

  it('a remote state no newer than the epoch it holds changes nothing (late messages cannot undo a decision)', () => {
    const clock = new FakeClock();
    const s = recordingStore();
    const breaker = new CircuitBreaker({ clock, store: s.store });
    s.push({ state: 'forced_open', epoch: 3 });
    s.push({ state: 'closed', reason: 'reset', epoch: 2 });
    s.push({ state: 'closed', reason: 'reset', epoch: 3 });
    expect(breaker.state).toBe('forced_open');
    breaker.reset();
    expect(s.transitions.at(-1)).toMatchObject({ to: 'closed', reason: 'reset', epoch: 3 });
  });

  it('a binding that throws never reaches the caller: storeError, and the breaker goes on locally', async () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const boom = (): never => {
      throw new Error('store down');
    };
    const store: StateStore = {
      bind: () => ({ record: boom, transition: boom, trialPermit: boom, release: boom }),
      close: async () => {},
    };
    const breaker = new CircuitBreaker({ clock, store, failureThreshold: 1, resetTimeout: 10 });
    breaker.on('storeError', ({ error }) => errors.push(error));
    expect(() => breaker.callSync(() => 1)).not.toThrow();
    await expect(breaker.call(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(breaker.state).toBe('open');
    clock.advance(10);
    // A throwing trialPermit counts as a permit: the trial runs and closes the breaker.
    await expect(breaker.call(async () => 'ok')).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    breaker.dispose();
    expect(errors.length).toBeGreaterThanOrEqual(5);
    expect(errors.every((e) => (e as Error).message === 'store down')).toBe(true);
  });

  it('a store whose bind() throws leaves a local breaker', async () => {
    const errors: unknown[] = [];
    const logger = { info() {}, warn: (fields: object) => errors.push(fields), error() {} };
    const store: StateStore = {
      bind: () => {
        throw new Error('no connection');
      },
      close: async () => {},
    };
    const breaker = new CircuitBreaker({ clock: new FakeClock(), store, logger });
    await expect(breaker.call(async () => 1)).resolves.toBe(1);
    expect(errors).toHaveLength(1);
  });
});

describe('options with a store', () => {
  const store: StateStore = {
    bind: () => ({ record() {}, transition() {}, trialPermit: () => true, release() {} }),
    close: async () => {},
  };

  it('default to a time window, which the fleet can share', () => {
    expect(new CircuitBreaker({ store, failureRateThreshold: 0.5 }).options.window).toEqual({
      type: 'time',
      duration: 60_000,
      buckets: 10,
    });
    expect(new CircuitBreaker({ failureRateThreshold: 0.5 }).options.window).toEqual({
      type: 'count',
      size: 100,
    });
  });

  it('refuse a rate rule over an explicit count window, asking for a time window', () => {
    expect(
      () => new CircuitBreaker({ store, failureRateThreshold: 0.5, window: { type: 'count', size: 50 } }),
    ).toThrow(
      new RangeError(
        'A rate rule over a count window cannot be shared through a store (`window` is `{"type":"count","size":50}`); ' +
          "use a time window such as { type: 'time', duration: 60_000, buckets: 10 }",
      ),
    );
    expect(
      () => new CircuitBreaker({ store, failureThreshold: 3, window: { type: 'count', size: 50 } }),
    ).not.toThrow();
  });
});
