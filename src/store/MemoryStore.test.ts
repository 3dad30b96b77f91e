import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../CircuitBreaker.js';
import { FakeClock } from '../clock/FakeClock.js';
import { CircuitBreakerRegistry } from '../registry/CircuitBreakerRegistry.js';
import { storeContract } from './contract/storeContract.js';
import { MemoryStore } from './MemoryStore.js';

storeContract('MemoryStore', async ({ quorum = 1 }) => {
  const clock = new FakeClock();
  const store = new MemoryStore({ quorum, clock });
  return {
    clock,
    admin: store,
    instance: () => store,
    async until(condition, what) {
      // Fake time: check, then move the clock on in small steps (timers fall due in order).
      for (let step = 0; step < 20_000; step++) {
        if (await condition()) return;
        clock.advance(10);
        await Promise.resolve();
      }
      throw new Error(`MemoryStore contract: timed out waiting for ${what}`);
    },
    sync: async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    close: () => store.close(),
  };
});

describe('MemoryStore', () => {
  it('validates its options with errors naming the option, the value and the fix', () => {
    expect(() => new MemoryStore({ quorum: 0 })).toThrow(
      new RangeError('Expected `quorum` to be an integer >= 1, got `0`'),
    );
    expect(() => new MemoryStore({ quorum: '2' as never })).toThrow(TypeError);
    expect(() => new MemoryStore({ quorom: 2 } as never)).toThrow(/Unknown MemoryStore option `quorom`/);
  });

  it('a fleet trip on shared counts keeps a local trip’s own reason on the instance that tripped', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore({ clock });
    const a = new CircuitBreaker({ name: 'db', clock, store, failureThreshold: 2 });
    const b = new CircuitBreaker({ name: 'db', clock, store, failureThreshold: 2 });
    const reasons: string[] = [];
    a.on('stateChange', ({ reason }) => reasons.push(`a:${reason}`));
    b.on('stateChange', ({ reason }) => reasons.push(`b:${reason}`));
    await a.call(() => Promise.reject(new Error('x'))).catch(() => {});
    await a.call(() => Promise.reject(new Error('x'))).catch(() => {});
    await Promise.resolve();
    expect(reasons).toEqual(['b:remote', 'a:failure_threshold']);
  });

  it('a breaker bound later learns the fleet’s state at once', () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    new CircuitBreaker({ name: 'db', clock, store }).forceOpen();
    expect(new CircuitBreaker({ name: 'db', clock, store }).state).toBe('forced_open');
  });

  it('registries sharing a store share their breakers; keyed groups only with shared: true', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const one = new CircuitBreakerRegistry({ clock, store });
    const two = new CircuitBreakerRegistry({ clock, store });
    one.getOrCreate('api').open(1000);
    expect(two.getOrCreate('api').state).toBe('open');
    one.keyed('tenant', { shared: true }).get('t1').forceOpen();
    expect(two.keyed('tenant', { shared: true }).get('t1').state).toBe('forced_open');
    one.keyed('local').get('t1').forceOpen();
    expect(two.keyed('local').get('t1').state).toBe('closed');
    one.close();
    expect((await store.list()).find((status) => status.name === 'api')?.instances).toBe(1);
  });
});
