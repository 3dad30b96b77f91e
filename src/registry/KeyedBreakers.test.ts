import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../CircuitBreaker.js';
import { FakeClock } from '../clock/FakeClock.js';
import { CircuitBreakerRegistry } from './CircuitBreakerRegistry.js';
import { KeyedBreakers } from './KeyedBreakers.js';

const fail = (): Promise<never> => Promise.reject(new Error('down'));

async function trip(breaker: CircuitBreaker): Promise<void> {
  await breaker.call(fail).catch(() => {});
  expect(breaker.state).toBe('open');
}

function isDisposed(breaker: CircuitBreaker): Promise<boolean> {
  return breaker
    .call(() => 1)
    .then(
      () => false,
      (error: { code?: string }) => error.code === 'ERR_CIRCUIT_DISPOSED',
    );
}

describe('KeyedBreakers', () => {
  it('creates one breaker per key, named <name>:<key>, and returns the same one after', () => {
    const group = new KeyedBreakers('tenant', { failureThreshold: 2 });
    const a = group.get('a');
    expect(a.name).toBe('tenant:a');
    expect(a.options.failureThreshold).toBe(2);
    expect(group.get('a')).toBe(a);
    expect(group.get('b')).not.toBe(a);
    expect(group.size).toBe(2);
    expect([...group.keys()]).toEqual(['a', 'b']);
  });

  it('keys are isolated: one key open does not affect another', async () => {
    const group = new KeyedBreakers('hosts', { failureThreshold: 1 });
    await trip(group.get('down.example'));
    expect(group.get('up.example').state).toBe('closed');
    await expect(group.get('up.example').call(() => 'ok')).resolves.toBe('ok');
  });

  it('evicts the least recently used key beyond maxKeys, and disposes it', async () => {
    const group = new KeyedBreakers('k', { maxKeys: 2 });
    const a = group.get('a');
    group.get('b');
    group.get('a'); // a is now the most recently used
    group.get('c'); // evicts b
    expect([...group.keys()]).toEqual(['a', 'c']);
    expect(group.peek('b')).toBeUndefined();
    expect(group.peek('a')).toBe(a);
    const b = group.get('b'); // a fresh breaker; evicts a
    expect(await isDisposed(a)).toBe(true);
    expect(await isDisposed(b)).toBe(false);
  });

  it('eviction prefers a closed breaker over an older open one', async () => {
    const group = new KeyedBreakers('k', { maxKeys: 3, failureThreshold: 1 });
    const openOne = group.get('open');
    await trip(openOne);
    const forced = group.get('forced');
    forced.forceOpen();
    group.get('closed');
    group.get('new');
    expect([...group.keys()]).toEqual(['open', 'forced', 'new']);
    expect(group.peek('open')).toBe(openOne);
  });

  it('when no breaker is closed, the least recently used goes anyway (the memory bound wins)', async () => {
    const group = new KeyedBreakers('k', { maxKeys: 2, failureThreshold: 1 });
    const first = group.get('a');
    await trip(first);
    await trip(group.get('b'));
    group.get('c');
    expect(group.size).toBe(2);
    expect([...group.keys()]).toEqual(['b', 'c']);
    expect(await isDisposed(first)).toBe(true);
  });

  it('sweeps idle keys a little on each get, without a timer', () => {
    const clock = new FakeClock();
    const group = new KeyedBreakers('k', { idleTtl: 1000, clock });
    const a = group.get('a');
    clock.advance(500);
    group.get('b');
    expect(clock.pendingTimers).toBe(0);
    clock.advance(500);
    group.get('b'); // a idle for 1000 ms: swept
    expect(group.has('a')).toBe(false);
    expect(group.has('b')).toBe(true);
    expect(group.get('a')).not.toBe(a);
  });

  it('the idle sweep keeps open and forced breakers until they are closed or half-open', async () => {
    const clock = new FakeClock();
    const group = new KeyedBreakers('k', { idleTtl: 1000, clock, failureThreshold: 1, resetTimeout: 5000 });
    await trip(group.get('open'));
    group.get('forced').forceOpen();
    clock.advance(2000);
    group.get('x');
    expect(group.has('open')).toBe(true);
    expect(group.has('forced')).toBe(true);
    clock.advance(3000); // 'open' is now half-open
    group.get('x');
    expect(group.has('open')).toBe(false);
    expect(group.has('forced')).toBe(true);
  });

  it('keeps memory bounded under a flood of distinct keys', () => {
    const clock = new FakeClock();
    const group = new KeyedBreakers('flood', { maxKeys: 100, clock });
    let first: CircuitBreaker | undefined;
    for (let i = 0; i < 50_000; i++) {
      const breaker = group.get(`key-${i}`);
      first ??= breaker;
      clock.advance(1);
    }
    expect(group.size).toBe(100);
    expect([...group.keys()][0]).toBe('key-49900');
    expect(first?.isAvailable()).toBe(false); // disposed
  });

  it('adds little memory per key beyond the breaker itself', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const n = 20_000;
    const heap = (): number => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = heap();
    const plain = Array.from({ length: n }, (_, i) => new CircuitBreaker({ name: `g:key-${i}` }));
    const plainBytes = heap() - before;
    plain.length = 0;
    const start = heap();
    const group = new KeyedBreakers('g', { maxKeys: n });
    for (let i = 0; i < n; i++) group.get(`key-${i}`);
    const keyedBytes = heap() - start;
    expect(group.size).toBe(n);
    expect((keyedBytes - plainBytes) / n).toBeLessThan(200);
  });

  it('delete() and clear() dispose', async () => {
    const group = new KeyedBreakers('k');
    const a = group.get('a');
    const b = group.get('b');
    expect(group.delete('a')).toBe(true);
    expect(group.delete('a')).toBe(false);
    expect(await isDisposed(a)).toBe(true);
    group.clear();
    expect(group.size).toBe(0);
    expect(await isDisposed(b)).toBe(true);
  });

  it('validates its options with clear errors', () => {
    expect(() => new KeyedBreakers('k', { maxKeys: 0 })).toThrow(
      new RangeError('Expected `maxKeys` to be an integer >= 1, got `0`'),
    );
    expect(() => new KeyedBreakers('k', { maxKeys: '5' as never })).toThrow(TypeError);
    expect(() => new KeyedBreakers('k', { idleTtl: -1 })).toThrow(
      new RangeError('Expected `idleTtl` to be a duration in ms > 0 (or Infinity), got `-1`'),
    );
    expect(() => new KeyedBreakers('k', { shared: 'yes' as never })).toThrow(
      new TypeError('Expected `shared` to be a boolean, got `"yes"`'),
    );
    expect(() => new KeyedBreakers('k', { failureThreshold: 0 })).toThrow(/`failureThreshold`/);
    expect(() => new KeyedBreakers('k', { name: 'x' } as never)).toThrow(
      'Unknown option `name` for a keyed group',
    );
    expect(() => new KeyedBreakers('')).toThrow(TypeError);
    expect(() => new KeyedBreakers('k').get(5 as never)).toThrow(
      new TypeError('Expected `key` to be a string, got `5`'),
    );
  });

  it('registry.keyed() passes maxKeys and idleTtl and lists the group’s breakers in statuses()', () => {
    const registry = new CircuitBreakerRegistry();
    const group = registry.keyed('api', { maxKeys: 2, idleTtl: 60_000 });
    expect([group.maxKeys, group.idleTtl, group.shared]).toEqual([2, 60_000, false]);
    group.get('a');
    group.get('b');
    group.get('c');
    expect(registry.statuses().map((s) => s.name)).toEqual(['api:b', 'api:c']);
  });
});
