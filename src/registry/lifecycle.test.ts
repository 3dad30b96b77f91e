import { describe, expect, it } from 'vitest';
import { deferred, flush } from '../../test/support/flush.js';
import type { CircuitBreaker } from '../CircuitBreaker.js';
import { FakeClock } from '../clock/FakeClock.js';
import type { StateStore, StoreBinding } from '../store/StateStore.js';
import { CircuitBreakerRegistry, type RegistryChange } from './CircuitBreakerRegistry.js';
import { KeyedBreakers } from './KeyedBreakers.js';

const fail = (): Promise<never> => Promise.reject(new Error('down'));

async function failTimes(breaker: CircuitBreaker, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await breaker.call(fail).catch(() => {});
}

function track(registry: CircuitBreakerRegistry): string[] {
  const seen: string[] = [];
  const note = (kind: string) => (change: RegistryChange) =>
    seen.push(`${kind} ${change.name}${change.group === undefined ? '' : ` (${change.group})`}`);
  registry.on('add', note('add'));
  registry.on('remove', note('remove'));
  return seen;
}

function countingStore(): StateStore & { bound: string[]; released: string[] } {
  const bound: string[] = [];
  const released: string[] = [];
  return {
    bound,
    released,
    bind(name): StoreBinding {
      bound.push(name);
      return { record() {}, transition() {}, trialPermit: () => true, release: () => released.push(name) };
    },
    close: async () => {},
  };
}

describe('registry lifecycle', () => {
  it("tells 'add' and 'remove' listeners of breakers and keyed members, with their group", () => {
    const registry = new CircuitBreakerRegistry({ clock: new FakeClock() });
    const seen = track(registry);
    registry.register('db');
    const tenants = registry.keyed('tenant', { maxKeys: 1 });
    tenants.get('a');
    tenants.get('a');
    tenants.get('b'); // evicts a
    registry.remove('db');
    registry.remove('tenant:b');
    expect(seen).toEqual([
      'add db',
      'add tenant:a (tenant)',
      'remove tenant:a (tenant)',
      'add tenant:b (tenant)',
      'remove db',
      'remove tenant:b (tenant)',
    ]);
  });

  it('refuses an unknown event naming the closest, and keeps a throwing listener away from the caller', () => {
    const registry = new CircuitBreakerRegistry();
    expect(() => registry.on('ad' as never, () => {})).toThrow(
      'Unknown registry event `ad`; did you mean `add`?',
    );
    registry.on('add', () => {
      throw new Error('listener bug');
    });
    expect(() => registry.register('x')).not.toThrow();
  });

  it('groups() gives a keyed group as one entry with states, not-closed names and summed counters', async () => {
    const registry = new CircuitBreakerRegistry({ clock: new FakeClock() });
    const hosts = registry.keyed('hosts', { failureThreshold: 1 });
    await hosts.get('a').call(async () => 1);
    await failTimes(hosts.get('b'), 1);
    await hosts.get('c').call(async () => 1);
    const [group] = registry.groups();
    expect(group).toMatchObject({
      name: 'hosts',
      keys: 3,
      states: { closed: 2, open: 1, half_open: 0, forced_open: 0, forced_closed: 0 },
      notClosed: ['hosts:b'],
      totals: { totalCalls: 3, successfulCalls: 2, failedCalls: 1, stateTransitions: 1 },
    });
    expect(group?.totals.transitions).toEqual({ closed: { open: 1 } });
    registry.register('db');
    expect([...registry.registered()].map((b) => b.name)).toEqual(['db']);
    expect([...registry].map((b) => b.name)).toEqual(['db', 'hosts:a', 'hosts:b', 'hosts:c']);
  });

  it('keeps a group’s counters monotonic through evictions, removals and resets', async () => {
    const registry = new CircuitBreakerRegistry({ clock: new FakeClock() });
    const hosts = registry.keyed('hosts', { failureThreshold: 1, maxKeys: 2, latencySampling: 1 });
    await hosts.get('a').call(async () => 1);
    await failTimes(hosts.get('b'), 1);
    hosts.get('c'); // evicts a
    registry.reset('hosts:b'); // clears b's own counts
    hosts.get('b').reset();
    registry.remove('hosts:c');
    const group = registry.groups()[0]!;
    expect(group.totals).toMatchObject({ totalCalls: 2, successfulCalls: 1, failedCalls: 1 });
    expect(group.totals.transitions.closed?.open).toBe(1);
    expect(group.latency.count).toBe(2);
    expect(group.keys).toBe(1);
  });

  it('keyed() with the same options returns the group; with other options it is a TypeError naming the option', () => {
    const registry = new CircuitBreakerRegistry();
    const isResultFailure = (): boolean => false;
    const group = registry.keyed('fetch', {
      timeout: 100,
      isResultFailure,
      window: { type: 'count', size: 5 },
    });
    expect(
      registry.keyed('fetch', { timeout: 100, isResultFailure, window: { type: 'count', size: 5 } }),
    ).toBe(group);
    expect(() => registry.keyed('fetch', { timeout: 50, isResultFailure })).toThrow(
      new TypeError(
        "Keyed group 'fetch' already exists with other options (`timeout` differs); give this group another name, or the same options",
      ),
    );
  });

  it('close() disposes every breaker, releases their store bindings, and refuses new breakers', async () => {
    const store = countingStore();
    const registry = new CircuitBreakerRegistry({ clock: new FakeClock(), store });
    const seen = track(registry);
    const db = registry.register('db');
    registry.keyed('local').get('x');
    registry.keyed('fleet', { shared: true }).get('y');
    expect(store.bound).toEqual(['db', 'fleet:y']);
    registry.close();
    expect(store.released.sort()).toEqual(['db', 'fleet:y']);
    await expect(db.call(async () => 1)).rejects.toMatchObject({ code: 'ERR_CIRCUIT_DISPOSED' });
    expect(seen.filter((line) => line.startsWith('remove'))).toHaveLength(3);
    expect(() => registry.register('late')).toThrow('This registry is closed');
    expect([...registry]).toEqual([]);
  });
});

describe('idle sweeping', () => {
  it('never sweeps a keyed breaker with a call in flight, so its bulkhead still holds', async () => {
    const clock = new FakeClock();
    const group = new KeyedBreakers('k', { idleTtl: 1000, maxConcurrentCalls: 1, clock });
    const pending = deferred<string>();
    const busy = group.get('busy');
    const call = busy.call(() => pending.promise);
    clock.advance(5000);
    group.get('other'); // sweeps idle keys
    expect(group.get('busy')).toBe(busy);
    await expect(group.get('busy').call(async () => 'second')).rejects.toMatchObject({
      code: 'ERR_CIRCUIT_BULKHEAD',
    });
    pending.resolve('first');
    await expect(call).resolves.toBe('first');
    await flush();
  });
});
