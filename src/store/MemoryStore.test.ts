import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../CircuitBreaker.js';
import { FakeClock } from '../clock/FakeClock.js';
import type { CircuitBreakerOptions } from '../options.js';
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

describe('MemoryStore: who opened the fleet (openedBy)', () => {
  const down = () => Promise.reject(new Error('down'));

  function fleet(size: number, options: CircuitBreakerOptions = {}) {
    const clock = new FakeClock();
    const store = new MemoryStore({ clock });
    const breakers = Array.from(
      { length: size },
      () => new CircuitBreaker({ name: 'db', clock, store, failureThreshold: 2, ...options }),
    );
    const opens: string[] = [];
    for (const [i, breaker] of breakers.entries()) {
      breaker.on('open', ({ reason, openedBy }) => opens.push(`${i}:${reason}:${openedBy}`));
    }
    return { clock, store, breakers, opens };
  }

  it('the breaker that tripped says so (openedBy null); the others follow, naming its binding', async () => {
    const { breakers, opens } = fleet(3);
    const [a, b, c] = breakers as [CircuitBreaker, CircuitBreaker, CircuitBreaker];
    await b.call(down).catch(() => {});
    await b.call(down).catch(() => {});
    await Promise.resolve();
    expect(opens.sort()).toEqual(['0:remote:memory-2', '1:failure_threshold:null', '2:remote:memory-2']);
    expect(a.metrics()).toMatchObject({ state: 'open', openReason: 'remote', openedBy: 'memory-2' });
    expect(b.metrics()).toMatchObject({ state: 'open', openReason: 'failure_threshold', openedBy: null });
    expect(c.metrics().openedBy).toBe('memory-2');
  });

  it('manual control from one breaker names it; an operator’s control() names no one', async () => {
    const { store, breakers, opens } = fleet(2);
    breakers[1]!.forceOpen();
    expect(breakers[0]!.metrics()).toMatchObject({ state: 'forced_open', openedBy: 'memory-2' });
    expect(breakers[1]!.metrics()).toMatchObject({ state: 'forced_open', openedBy: null });
    breakers[0]!.reset();
    breakers[0]!.open(1000);
    expect(opens.sort()).toEqual(['0:manual_open:null', '1:remote:memory-1']);
    await store.control('db', 'reset');
    await store.control('db', 'open', 5000);
    expect(breakers.map((breaker) => breaker.metrics().openedBy)).toEqual([null, null]);
  });

  it('a trip of the shared rules names the breaker whose report tripped them', async () => {
    const { breakers, opens } = fleet(2, { failureThreshold: 3 });
    // Two failures each: no breaker trips on its own, the fleet's run of four does.
    await breakers[0]!.call(down).catch(() => {});
    await breakers[1]!.call(down).catch(() => {});
    await breakers[0]!.call(down).catch(() => {});
    await Promise.resolve();
    expect(opens).toEqual(['0:remote:memory-1', '1:remote:memory-1']);
  });

  it('a breaker bound to an open fleet learns who opened it; ids are unique per store, in bind order', async () => {
    const { clock, store, breakers } = fleet(2);
    await breakers[0]!.call(down).catch(() => {});
    await breakers[0]!.call(down).catch(() => {});
    const late = new CircuitBreaker({ name: 'db', clock, store });
    expect(late.metrics()).toMatchObject({ state: 'open', openedBy: 'memory-1' });
    // Another store counts its own bindings.
    const other = new MemoryStore({ clock });
    const x = new CircuitBreaker({ name: 'db', clock, store: other, failureThreshold: 1 });
    const y = new CircuitBreaker({ name: 'db', clock, store: other });
    await x.call(down).catch(() => {});
    expect(y.metrics().openedBy).toBe('memory-1');
  });
});
