import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/FakeClock.js';
import { CircuitBreakerRegistry } from '../registry/CircuitBreakerRegistry.js';
import { TickSampler } from './TickSampler.js';

function setup() {
  const clock = new FakeClock();
  let now = 0;
  const sampler = new TickSampler(() => now);
  const registry = new CircuitBreakerRegistry({
    clock,
    defaults: { latencySampling: 1, failureThreshold: 1000 },
  });
  const tick = (ms: number) => {
    now += ms;
  };
  const call = (breaker: ReturnType<typeof registry.register>, ms: number, fails = false) =>
    breaker
      .call(() => {
        clock.advance(ms);
        if (fails) throw new Error('x');
        return 1;
      })
      .catch(() => {});
  return { clock, sampler, registry, tick, call };
}

describe('TickSampler', () => {
  it('gives no per-tick figures on the first sample, then the differences per second', async () => {
    const { sampler, registry, tick, call } = setup();
    const api = registry.register('api');
    for (let i = 0; i < 10; i++) await call(api, 100);
    const seen = new Set<string>();
    expect(sampler.breaker(api, seen)).toMatchObject({ rate: null, errorRate: null, p50: null, p99: null });

    for (let i = 0; i < 4; i++) await call(api, 2, i === 0);
    tick(2000);
    const second = sampler.breaker(api, seen);
    expect(second.rate).toBe(2); // 4 calls in 2 s
    expect(second.errorRate).toBe(0.25);
    expect(second.p50).toBeGreaterThan(1.8);
    expect(second.p50).toBeLessThanOrEqual(2.13); // this tick's 2 ms calls, not the 100 ms before

    tick(1000);
    expect(sampler.breaker(api, seen)).toMatchObject({ rate: 0, errorRate: null, rejected: 0, p50: null });
  });

  it('starts again from zero after a reset instead of going negative', async () => {
    const { sampler, registry, tick, call } = setup();
    const api = registry.register('api');
    for (let i = 0; i < 50; i++) await call(api, 10);
    sampler.breaker(api, new Set());
    api.reset();
    for (let i = 0; i < 3; i++) await call(api, 40);
    tick(1000);
    const after = sampler.breaker(api, new Set());
    expect(after.rate).toBe(3);
    expect(after.p50).toBeGreaterThan(37);
  });

  it('samples a keyed group as one entry from its monotonic totals, through evictions', async () => {
    const { sampler, registry, tick, call } = setup();
    const group = registry.keyed('tenants', { maxKeys: 2 });
    for (const key of ['a', 'b']) for (let i = 0; i < 5; i++) await call(group.get(key), 5);
    const stateOf = (name: string) => registry.get(name)?.state;
    sampler.group(group.status(), stateOf, new Set());
    for (let i = 0; i < 6; i++) await call(group.get('c'), 5); // evicts a key: its counts stay in the totals
    tick(1000);
    expect(sampler.group(group.status(), stateOf, new Set())).toMatchObject({
      kind: 'group',
      rate: 6,
      keys: 2,
    });
  });

  it('forgets what it no longer sees', async () => {
    const { sampler, registry, tick, call } = setup();
    const api = registry.register('api');
    await call(api, 1);
    sampler.breaker(api, new Set());
    sampler.prune(new Set());
    tick(1000);
    expect(sampler.breaker(api, new Set()).rate).toBeNull();
  });
});
