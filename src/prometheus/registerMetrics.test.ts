import fc from 'fast-check';
import {
  AggregatorRegistry,
  register as globalRegister,
  type OpenMetricsContentType,
  Registry,
  type RegistryContentType,
} from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { type ParsedScrape, parsePrometheusText } from '../../test/support/prometheusText.js';
import { CircuitBreaker, CircuitBreakerRegistry, FakeClock, MemoryStore } from '../index.js';
import { DURATION_BUCKETS, type MetricsRegister, registerMetrics } from './index.js';

const fail = (): Promise<never> => Promise.reject(new Error('down'));

async function scrape(register: Registry): Promise<ParsedScrape> {
  return parsePrometheusText(await register.metrics());
}

/** A call through `breaker` that takes `ms` on `clock`. */
function takes(breaker: CircuitBreaker, clock: FakeClock, ms: number): Promise<unknown> {
  return breaker.call(async () => {
    clock.advance(ms);
  });
}

function setup(defaults: ConstructorParameters<typeof CircuitBreakerRegistry>[0] = {}) {
  const clock = new FakeClock();
  const registry = new CircuitBreakerRegistry({ clock, ...defaults });
  const register = new Registry();
  const metrics = registerMetrics(registry, { register });
  return { clock, registry, register, metrics };
}

describe('registerMetrics: the metrics of a breaker', () => {
  it('exports state, calls by outcome, failure rate, transitions, slow calls and fallbacks after real calls', async () => {
    const { clock, registry, register } = setup();
    const db = registry.register('db', {
      failureThreshold: 4,
      timeout: 100,
      slowCallDuration: 50,
      exclude: [TypeError],
    });
    db.on('slowCall', () => {}); // slow calls are timed for a slow-call rule or listener
    await takes(db, clock, 60); // success, slow
    await db.call(async () => 1);
    await db.call(fail).catch(() => {});
    await db.call(() => Promise.reject(new TypeError('bad input'))).catch(() => {}); // ignored
    const hung = db.call(() => new Promise(() => {})).catch(() => {});
    clock.advance(110);
    await hung; // a timeout: counted as timeout only
    await db.call(fail, { fallback: () => 'cached' });
    await db.call(fail).catch(() => {}); // 4th failure in a row (the timeout counts): opens
    await db.call(async () => 1).catch(() => {}); // rejected
    await db.call(async () => 1, { fallback: () => 0 }); // rejected, with a fallback

    const s = await scrape(register);
    expect(s.types.get('circuit_breaker_state')).toBe('gauge');
    expect(s.types.get('circuit_breaker_calls_total')).toBe('counter');
    expect(s.types.get('circuit_breaker_call_duration_seconds')).toBe('histogram');
    expect(s.types.get('circuit_breaker_failure_rate')).toBe('gauge');
    expect(s.types.get('circuit_breaker_transitions_total')).toBe('counter');
    expect(s.types.get('circuit_breaker_slow_calls_total')).toBe('counter');
    expect(s.types.get('circuit_breaker_fallbacks_total')).toBe('counter');

    const states = Object.fromEntries(
      s.select('circuit_breaker_state', { name: 'db' }).map((sample) => [sample.labels.state, sample.value]),
    );
    expect(states).toEqual({ closed: 0, open: 1, half_open: 0, forced_open: 0, forced_closed: 0 });
    const calls = Object.fromEntries(
      s
        .select('circuit_breaker_calls_total', { name: 'db' })
        .map((sample) => [sample.labels.outcome, sample.value]),
    );
    expect(calls).toEqual({ success: 2, failure: 3, timeout: 1, rejected: 2, ignored: 1 });
    expect(s.value('circuit_breaker_failure_rate', { name: 'db' })).toBeCloseTo(4 / 6);
    expect(s.value('circuit_breaker_transitions_total', { name: 'db', from: 'closed', to: 'open' })).toBe(1);
    // The usual transitions are there before they happen, so that the first one is an increase.
    expect(s.value('circuit_breaker_transitions_total', { name: 'db', from: 'half_open', to: 'open' })).toBe(
      0,
    );
    expect(s.value('circuit_breaker_slow_calls_total', { name: 'db' })).toBe(2); // the 60 ms call and the timeout
    expect(s.value('circuit_breaker_fallbacks_total', { name: 'db' })).toBe(2);
    expect(s.select('circuit_breaker_group_breakers')).toEqual([]);
  });

  it('follows the breaker through half-open, manual control and reset', async () => {
    const { clock, registry, register } = setup();
    const api = registry.register('api', { failureThreshold: 1, resetTimeout: 1000 });
    await api.call(fail).catch(() => {});
    clock.advance(1000);
    let s = await scrape(register);
    expect(s.value('circuit_breaker_state', { name: 'api', state: 'half_open' })).toBe(1);
    expect(s.value('circuit_breaker_transitions_total', { name: 'api', from: 'open', to: 'half_open' })).toBe(
      1,
    );
    api.forceOpen();
    s = await scrape(register);
    expect(s.value('circuit_breaker_state', { name: 'api', state: 'forced_open' })).toBe(1);
    expect(s.value('circuit_breaker_state', { name: 'api', state: 'half_open' })).toBe(0);
    // A transition outside the usual four appears once it has happened.
    expect(
      s.value('circuit_breaker_transitions_total', { name: 'api', from: 'half_open', to: 'forced_open' }),
    ).toBe(1);
    // A reset keeps every counter and series: it is counted as a transition to closed.
    api.reset();
    s = await scrape(register);
    expect(s.value('circuit_breaker_state', { name: 'api', state: 'closed' })).toBe(1);
    expect(s.value('circuit_breaker_calls_total', { name: 'api', outcome: 'failure' })).toBe(1);
    expect(
      s.value('circuit_breaker_transitions_total', { name: 'api', from: 'half_open', to: 'forced_open' }),
    ).toBe(1);
    expect(
      s.value('circuit_breaker_transitions_total', { name: 'api', from: 'forced_open', to: 'closed' }),
    ).toBe(1);
    expect(api.metrics().failedCalls).toBe(0); // the breaker's own counts start again
  });

  it('keeps names that need escaping intact', async () => {
    const { registry, register } = setup();
    const name = 'db "main"\\replica\nzone';
    await registry.register(name).call(async () => 1);
    const s = await scrape(register);
    expect(s.value('circuit_breaker_calls_total', { name, outcome: 'success' })).toBe(1);
  });
});

/** Every counter sample of a scrape (histogram lines included), by a key naming it. */
function counterSamples(s: ParsedScrape): Map<string, number> {
  const counters = new Map<string, number>();
  for (const sample of s.samples) {
    if (s.types.get(sample.name.replace(/_(bucket|sum|count)$/, '')) === 'gauge') continue;
    counters.set(`${sample.name}${JSON.stringify(sample.labels)}`, sample.value);
  }
  return counters;
}

/** Fails unless every counter of `before` is still in `after`, and not lower. */
function expectMonotonic(before: Map<string, number>, after: Map<string, number>, step: string): void {
  for (const [key, value] of before) {
    expect(after.get(key), `${key} after ${step}`).toBeGreaterThanOrEqual(value);
  }
}

describe('registerMetrics: counters are monotonic for the life of the process', () => {
  it('a force-open and a reset between two scrapes leave their trace, and lose no count made since the last scrape', async () => {
    const { clock, registry, register } = setup({ defaults: { latencySampling: 1 } });
    const db = registry.register('db', { failureThreshold: 2 });
    await takes(db, clock, 3);
    const before = counterSamples(await scrape(register));
    await db.call(fail).catch(() => {}); // counted after the last scrape...
    await takes(db, clock, 40);
    db.forceOpen();
    await db.call(async () => 1).catch(() => {}); // rejected
    db.reset(); // ...and a reset before the next
    const s = await scrape(register);
    expectMonotonic(before, counterSamples(s), 'a force-open and a reset');
    const calls = (outcome: string) => s.value('circuit_breaker_calls_total', { name: 'db', outcome });
    expect([calls('success'), calls('failure'), calls('rejected')]).toEqual([2, 1, 1]);
    const transition = (from: string, to: string) =>
      s.value('circuit_breaker_transitions_total', { name: 'db', from, to });
    expect(transition('closed', 'forced_open')).toBe(1);
    expect(transition('forced_open', 'closed')).toBe(1);
    expect(s.value('circuit_breaker_call_duration_seconds_count', { name: 'db' })).toBe(3);
    expect(s.value('circuit_breaker_call_duration_seconds_bucket', { name: 'db', le: '0.05' })).toBe(3);
  });

  it('counts a reset under transitions_total{from,to="closed"}, but not a reset of a closed breaker', async () => {
    const { clock, registry, register } = setup();
    const api = registry.register('api', { failureThreshold: 1, resetTimeout: 1000 });
    api.reset(); // closed → closed: no transition
    await api.call(fail).catch(() => {});
    api.reset(); // open → closed
    await api.call(fail).catch(() => {});
    clock.advance(1000);
    expect(api.state).toBe('half_open');
    api.reset(); // half_open → closed
    api.forceClose();
    api.reset(); // forced_closed → closed
    const s = await scrape(register);
    const closing = Object.fromEntries(
      s
        .select('circuit_breaker_transitions_total', { name: 'api', to: 'closed' })
        .map((sample) => [sample.labels.from, sample.value]),
    );
    expect(closing).toEqual({ open: 1, half_open: 1, forced_closed: 1 });
    expect(s.value('circuit_breaker_transitions_total', { name: 'api', from: 'closed', to: 'open' })).toBe(2);
  });

  it('keeps counting through a reset sent by the fleet (MemoryStore)', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore({ clock });
    const registry = new CircuitBreakerRegistry({ clock, store });
    const other = new CircuitBreaker({ name: 'db', clock, store, failureThreshold: 2 });
    const register = new Registry();
    registerMetrics(registry, { register });
    const db = registry.register('db', { failureThreshold: 2 });
    for (let i = 0; i < 2; i++) await db.call(fail).catch(() => {});
    expect(db.state).toBe('open');
    const before = counterSamples(await scrape(register));
    other.reset(); // another instance resets the fleet: this one applies it
    expect(db.state).toBe('closed');
    expect(db.metrics().failedCalls).toBe(0);
    const s = await scrape(register);
    expectMonotonic(before, counterSamples(s), 'a fleet reset');
    expect(s.value('circuit_breaker_calls_total', { name: 'db', outcome: 'failure' })).toBe(2);
    expect(s.value('circuit_breaker_transitions_total', { name: 'db', from: 'open', to: 'closed' })).toBe(1);
    other.dispose();
    registry.close();
  });

  it("counts a keyed member's reset under the group's transitions to closed", async () => {
    const { registry, register } = setup();
    const hosts = registry.keyed('hosts', { failureThreshold: 1 });
    await hosts
      .get('a')
      .call(fail)
      .catch(() => {});
    hosts.get('b').forceOpen();
    hosts.get('c'); // closed: its reset is no transition
    registry.reset('hosts');
    const s = await scrape(register);
    const closing = Object.fromEntries(
      s
        .select('circuit_breaker_transitions_total', { name: 'hosts', to: 'closed' })
        .map((sample) => [sample.labels.from, sample.value]),
    );
    expect(closing).toEqual({ open: 1, forced_open: 1, half_open: 0 });
  });

  it('never lowers a counter or drops a series, whatever is done to a breaker and a keyed group (property)', async () => {
    type Step =
      | { kind: 'call'; outcome: 'success' | 'failure' | 'ignored'; ms: number; key: string }
      | { kind: 'open' | 'forceOpen' | 'forceClose' | 'reset' | 'advance'; key: string }
      | { kind: 'evict'; key: string };
    const key = fc.constantFrom('db', 'hosts:a', 'hosts:b', 'hosts:c');
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        kind: fc.constant('call' as const),
        outcome: fc.constantFrom('success' as const, 'failure' as const, 'ignored' as const),
        ms: fc.integer({ min: 0, max: 700 }),
        key,
      }),
      fc.record({
        kind: fc.constantFrom(
          'open' as const,
          'forceOpen' as const,
          'forceClose' as const,
          'reset' as const,
          'advance' as const,
        ),
        key,
      }),
      fc.record({ kind: fc.constant('evict' as const), key }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(step, fc.boolean()), { maxLength: 40 }), async (steps) => {
        const { clock, registry, register } = setup({ defaults: { latencySampling: 1 } });
        registry.register('db', { failureThreshold: 2, resetTimeout: 1000, exclude: [TypeError] });
        const hosts = registry.keyed('hosts', {
          maxKeys: 2,
          failureThreshold: 2,
          resetTimeout: 1000,
          exclude: [TypeError],
        });
        const breaker = (name: string) =>
          name.startsWith('hosts:') ? hosts.get(name.slice(6)) : registry.get(name)!;
        let previous = counterSamples(await scrape(register));
        let made = 0;
        for (const [s, scrapeNow] of steps) {
          if (s.kind === 'call') {
            made++;
            await breaker(s.key)
              .call(async () => {
                clock.advance(s.ms);
                if (s.outcome === 'failure') throw new Error('down');
                if (s.outcome === 'ignored') throw new TypeError('bad input');
              })
              .catch(() => {});
          } else if (s.kind === 'advance') clock.advance(1000);
          else if (s.kind === 'evict') registry.remove(s.key.startsWith('hosts:') ? s.key : 'hosts:a');
          else breaker(s.key)[s.kind]();
          if (!scrapeNow) continue;
          const next = counterSamples(await scrape(register));
          expectMonotonic(previous, next, JSON.stringify(s));
          previous = next;
        }
        const final = await scrape(register);
        expectMonotonic(previous, counterSamples(final), 'the last step');
        const total = final
          .select('circuit_breaker_calls_total')
          .reduce((sum, sample) => sum + sample.value, 0);
        expect(total).toBe(made);
        registry.close();
      }),
      { numRuns: 60 },
    );
  });
});

describe('registerMetrics: the duration histogram', () => {
  it('re-buckets the sampled latencies into cumulative buckets over the default export bounds, in seconds', async () => {
    const { clock, registry, register } = setup({ defaults: { latencySampling: 1 } });
    const db = registry.register('db');
    for (const ms of [0.4, 3, 3, 40, 400, 4000, 90_000]) await takes(db, clock, ms);
    const s = await scrape(register);
    const buckets = s.select('circuit_breaker_call_duration_seconds_bucket', { name: 'db' });
    expect(buckets.map((b) => b.labels.le)).toEqual([...DURATION_BUCKETS.map(String), '+Inf']);
    const at = (le: string) => s.value('circuit_breaker_call_duration_seconds_bucket', { name: 'db', le });
    expect(at('0.005')).toBe(3);
    expect(at('0.05')).toBe(4);
    expect(at('0.5')).toBe(5);
    expect(at('5')).toBe(6);
    expect(at('60')).toBe(6);
    expect(at('+Inf')).toBe(7);
    for (let i = 1; i < buckets.length; i++)
      expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    expect(s.value('circuit_breaker_call_duration_seconds_count', { name: 'db' })).toBe(7);
    expect(s.value('circuit_breaker_call_duration_seconds_sum', { name: 'db' })).toBeCloseTo(94.4464, 6);
  });

  it('counts calls that took a common timeout (500 ms) under le="0.535", not under le="1"', async () => {
    const { clock, registry, register } = setup({ defaults: { latencySampling: 1 } });
    const db = registry.register('db');
    for (let i = 0; i < 20; i++) await takes(db, clock, 500);
    const s = await scrape(register);
    const at = (le: string) => s.value('circuit_breaker_call_duration_seconds_bucket', { name: 'db', le });
    expect([at('0.5'), at('0.535'), at('1')]).toEqual([0, 20, 20]);
  });

  it('exports over the `buckets` of your choice, by the same rule', async () => {
    const clock = new FakeClock();
    const registry = new CircuitBreakerRegistry({ clock, defaults: { latencySampling: 1 } });
    const register = new Registry();
    registerMetrics(registry, { register, buckets: [0.1, 0.3, 2.14] });
    const db = registry.register('db');
    for (const ms of [50, 99, 200, 310, 2000, 5000]) await takes(db, clock, ms);
    const s = await scrape(register);
    const buckets = s.select('circuit_breaker_call_duration_seconds_bucket', { name: 'db' });
    expect(buckets.map((b) => [b.labels.le, b.value])).toEqual([
      ['0.1', 1],
      ['0.3', 3],
      ['2.14', 5],
      ['+Inf', 6],
    ]);
  });

  it('counts sampled calls in _count, every call in calls_total (default sampling: 1 call in 10)', async () => {
    const { clock, registry, register } = setup();
    const db = registry.register('db');
    for (let i = 0; i < 100; i++) await takes(db, clock, 2);
    const s = await scrape(register);
    expect(s.value('circuit_breaker_calls_total', { name: 'db', outcome: 'success' })).toBe(100);
    expect(s.value('circuit_breaker_call_duration_seconds_count', { name: 'db' })).toBe(10);
    expect(s.value('circuit_breaker_call_duration_seconds_bucket', { name: 'db', le: '+Inf' })).toBe(10);
    expect(s.value('circuit_breaker_call_duration_seconds_bucket', { name: 'db', le: '0.005' })).toBe(10);
    expect(s.value('circuit_breaker_call_duration_seconds_sum', { name: 'db' })).toBeCloseTo(0.02);
  });

  it('adds up across processes bucket by bucket (prom-client cluster aggregation)', async () => {
    const workers = await Promise.all(
      [
        [2, 2, 30],
        [2, 700],
      ].map(async (durations) => {
        const { clock, registry, register } = setup({ defaults: { latencySampling: 1 } });
        const db = registry.register('db');
        for (const ms of durations) await takes(db, clock, ms);
        await db.call(fail).catch(() => {});
        return register.getMetricsAsJSON();
      }),
    );
    const fleet = parsePrometheusText(await AggregatorRegistry.aggregate(workers).metrics());
    const at = (le: string) =>
      fleet.value('circuit_breaker_call_duration_seconds_bucket', { name: 'db', le });
    expect([at('0.005'), at('0.05'), at('1'), at('+Inf')]).toEqual([5, 6, 7, 7]);
    expect(fleet.value('circuit_breaker_call_duration_seconds_count', { name: 'db' })).toBe(7);
    expect(fleet.value('circuit_breaker_calls_total', { name: 'db', outcome: 'success' })).toBe(5);
    // Gauges are not summed: a state stays 0 or 1, the failure rate is the workers' average.
    expect(fleet.value('circuit_breaker_state', { name: 'db', state: 'closed' })).toBe(1);
    expect(fleet.value('circuit_breaker_failure_rate', { name: 'db' })).toBeCloseTo((1 / 4 + 1 / 3) / 2);
  });
});

describe('registerMetrics: which breakers', () => {
  it('exports a keyed group of 50 keys as one entry, with its worst state and its breakers per state', async () => {
    const { registry, register } = setup();
    const hosts = registry.keyed('hosts', { failureThreshold: 1 });
    for (let i = 0; i < 50; i++) await hosts.get(`host-${i}`).call(async () => i);
    for (const i of [3, 7])
      await hosts
        .get(`host-${i}`)
        .call(fail)
        .catch(() => {});
    const few = await scrape(register);
    expect(new Set(few.samples.map((sample) => sample.labels.name))).toEqual(new Set(['hosts']));
    expect(few.value('circuit_breaker_state', { name: 'hosts', state: 'open' })).toBe(1);
    expect(few.value('circuit_breaker_state', { name: 'hosts', state: 'closed' })).toBe(0);
    expect(few.value('circuit_breaker_group_breakers', { name: 'hosts', state: 'closed' })).toBe(48);
    expect(few.value('circuit_breaker_group_breakers', { name: 'hosts', state: 'open' })).toBe(2);
    expect(few.value('circuit_breaker_calls_total', { name: 'hosts', outcome: 'success' })).toBe(50);
    expect(few.value('circuit_breaker_calls_total', { name: 'hosts', outcome: 'failure' })).toBe(2);
    expect(
      few.value('circuit_breaker_transitions_total', { name: 'hosts', from: 'closed', to: 'open' }),
    ).toBe(2);
    expect(few.value('circuit_breaker_failure_rate', { name: 'hosts' })).toBeCloseTo(2 / 52);
    // Sampling counts per breaker (its 10th call is timed): breakers called once or twice time none.
    expect(few.value('circuit_breaker_call_duration_seconds_count', { name: 'hosts' })).toBe(0);

    hosts.get('host-9').forceOpen();
    const s = await scrape(register);
    expect(s.value('circuit_breaker_state', { name: 'hosts', state: 'forced_open' })).toBe(1);
    expect(s.value('circuit_breaker_state', { name: 'hosts', state: 'open' })).toBe(0);
    // As many series as a single breaker's (plus the per-state gauge), whatever the number of keys.
    const single = setup();
    await single.registry
      .keyed('hosts', { failureThreshold: 1 })
      .get('one')
      .call(fail)
      .catch(() => {});
    single.registry.group('hosts')?.get('two').forceOpen();
    expect(s.samples.length).toBe((await scrape(single.register)).samples.length);
  });

  it("keeps a group's counters monotonic through evictions, deletions and resets of its breakers", async () => {
    const { clock, registry, register } = setup({ defaults: { latencySampling: 1 } });
    const tenants = registry.keyed('tenants', { maxKeys: 3, failureThreshold: 1 });
    let made = 0;
    const traffic = async (keys: string[]) => {
      for (const key of keys) {
        await takes(tenants.get(key), clock, 5);
        await tenants
          .get(key)
          .call(fail)
          .catch(() => {});
        await tenants
          .get(key)
          .call(async () => 1)
          .catch(() => {});
        made += 3;
      }
    };
    const counters = (s: ParsedScrape) =>
      s.samples.filter(
        (sample) =>
          s.types.get(sample.name.replace(/_(bucket|sum|count)$/, '')) !== 'gauge' && sample.labels.name,
      );
    const totalCalls = (s: ParsedScrape) =>
      s
        .select('circuit_breaker_calls_total', { name: 'tenants' })
        .reduce((sum, sample) => sum + sample.value, 0);

    await traffic(['a', 'b', 'c']);
    let previous = await scrape(register);
    expect(totalCalls(previous)).toBe(made);
    const steps: (() => unknown)[] = [
      () => traffic(['d', 'e']), // evicts two
      () => registry.reset('tenants:c'),
      () => registry.remove('tenants:d'),
      () => registry.reset('tenants'),
      () => traffic(['a', 'f']),
    ];
    for (const step of steps) {
      await step();
      const next = await scrape(register);
      for (const sample of counters(previous)) {
        const now = next.value(sample.name, sample.labels);
        expect(now, `${sample.name}${JSON.stringify(sample.labels)}`).toBeGreaterThanOrEqual(sample.value);
      }
      expect(totalCalls(next)).toBe(made);
      previous = next;
    }
    expect(previous.value('circuit_breaker_call_duration_seconds_count', { name: 'tenants' })).toBe(
      (made / 3) * 2,
    );
  });

  it('includes breakers created after registration and drops removed ones', async () => {
    const { registry, register } = setup();
    const names = async () =>
      new Set((await scrape(register)).select('circuit_breaker_state').map((sample) => sample.labels.name));
    expect(await names()).toEqual(new Set());
    registry.register('db');
    registry.keyed('hosts').get('a');
    registry.getOrCreate('cache');
    expect(await names()).toEqual(new Set(['db', 'hosts', 'cache']));
    registry.remove('db');
    registry.remove('hosts');
    expect(await names()).toEqual(new Set(['cache']));
    registry.close();
    expect(await names()).toEqual(new Set());
  });

  it('reads the registry once per scrape, and adds no listener to it or its breakers', async () => {
    const registry = new CircuitBreakerRegistry();
    const db = registry.register('db');
    registry.keyed('hosts').get('a');
    const on = vi.spyOn(registry, 'on');
    const breakerOn = vi.spyOn(db, 'on');
    const register = new Registry();
    registerMetrics(registry, { register });
    expect(on).not.toHaveBeenCalled();
    expect(breakerOn).not.toHaveBeenCalled();
    const groups = vi.spyOn(registry, 'groups');
    await register.metrics();
    expect(groups).toHaveBeenCalledTimes(1);
    await register.getMetricsAsJSON();
    expect(groups).toHaveBeenCalledTimes(2);
  });
});

describe('registerMetrics: registration', () => {
  it('replaces the prefix, and prom-client reads the metrics as JSON and as OpenMetrics', async () => {
    const registry = new CircuitBreakerRegistry();
    await registry.register('db').call(async () => 1);
    const register = new Registry<RegistryContentType>();
    const { names } = registerMetrics(registry, { register, prefix: 'payments_cb_' });
    expect(names).toEqual([
      'payments_cb_state',
      'payments_cb_calls_total',
      'payments_cb_call_duration_seconds',
      'payments_cb_failure_rate',
      'payments_cb_transitions_total',
      'payments_cb_slow_calls_total',
      'payments_cb_fallbacks_total',
      'payments_cb_group_breakers',
    ]);
    const json = await register.getMetricsAsJSON();
    expect(json.map((metric) => [metric.name, metric.type])).toEqual([
      ['payments_cb_state', 'gauge'],
      ['payments_cb_calls_total', 'counter'],
      ['payments_cb_call_duration_seconds', 'histogram'],
      ['payments_cb_failure_rate', 'gauge'],
      ['payments_cb_transitions_total', 'counter'],
      ['payments_cb_slow_calls_total', 'counter'],
      ['payments_cb_fallbacks_total', 'counter'],
      ['payments_cb_group_breakers', 'gauge'],
    ]);
    expect(json[1]!.values).toContainEqual({ labels: { name: 'db', outcome: 'success' }, value: 1 });
    expect(json[2]!.values).toContainEqual({
      labels: { name: 'db', le: '+Inf' },
      value: 0,
      metricName: 'payments_cb_call_duration_seconds_bucket',
    });

    register.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const text = await register.metrics();
    expect(text).toContain('# TYPE payments_cb_calls counter');
    expect(text).toContain('payments_cb_calls_total{name="db",outcome="success"} 1');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  it('refuses to register twice with the same register and prefix, and registers nothing then', async () => {
    const registry = new CircuitBreakerRegistry();
    registry.register('db');
    const register = new Registry();
    const first = registerMetrics(registry, { register });
    expect(() => registerMetrics(registry, { register })).toThrow(
      'registerMetrics(): the register already has a metric named `circuit_breaker_state`. Was registerMetrics() ' +
        'called twice with this register and prefix "circuit_breaker_"?',
    );
    expect(register.getMetricsAsArray()).toHaveLength(8);
    expect(() => registerMetrics(registry, { register, prefix: 'other_' })).not.toThrow();
    expect(register.getMetricsAsArray()).toHaveLength(16);
    first.unregister();
    expect(register.getMetricsAsArray()).toHaveLength(8);
    expect(() => registerMetrics(registry, { register })).not.toThrow();
  });

  it('surfaces a name taken by another metric, leaving the register as it was', async () => {
    const registry = new CircuitBreakerRegistry();
    const register = new Registry();
    // A register that already holds the 4th name: nothing of ours stays registered.
    const taken = { name: 'circuit_breaker_failure_rate', get: async () => ({}), reset() {} };
    register.registerMetric(taken as never);
    expect(() => registerMetrics(registry, { register })).toThrow(/`circuit_breaker_failure_rate`/);
    expect(register.getMetricsAsArray()).toEqual([taken]);
  });

  it('unregisters only its own metrics, once', async () => {
    const registry = new CircuitBreakerRegistry();
    const register = new Registry();
    const metrics = registerMetrics(registry, { register });
    metrics.unregister();
    expect(register.getMetricsAsArray()).toEqual([]);
    const mine = { name: 'circuit_breaker_state', get: async () => ({}), reset() {} };
    register.registerMetric(mine as never);
    metrics.unregister();
    expect(register.getSingleMetric('circuit_breaker_state')).toBe(mine);
  });

  it('validates its arguments, naming the option, the value and what is expected', () => {
    const registry = new CircuitBreakerRegistry();
    const register = new Registry();
    expect(() => registerMetrics({} as never, { register })).toThrow(
      new TypeError('Expected `registry` to be a CircuitBreakerRegistry, got `{}`'),
    );
    expect(() => registerMetrics(registry, undefined as never)).toThrow(
      new TypeError('Expected `options` to be an object ({ register, prefix, buckets }), got `undefined`'),
    );
    expect(() => registerMetrics(registry, {} as never)).toThrow(
      new TypeError(
        "Expected `register` to be a prom-client Registry (prom-client's `register` or a `new Registry()`), got `undefined`",
      ),
    );
    expect(() => registerMetrics(registry, { register, prefix: 3 as never })).toThrow(
      new TypeError('Expected `prefix` to be a string, got `3`'),
    );
    expect(() => registerMetrics(registry, { register, prefix: 'circuit-breaker-' })).toThrow(RangeError);
    expect(() => registerMetrics(registry, { register, prefix: '1cb_' })).toThrow(
      /Expected `prefix` to be letters, digits, `_` and `:`, not starting with a digit .*got `"1cb_"`/,
    );
    expect(() => registerMetrics(registry, { register, prefx: 'cb_' } as never)).toThrow(
      new TypeError(
        'Unknown option `prefx` of registerMetrics(); the options are `register`, `prefix` and `buckets`',
      ),
    );
    expect(() => registerMetrics(registry, { register, buckets: [1, 0.5] })).toThrow(
      /Expected `buckets\[1\]` to be a bound above the one before it \(1\)/,
    );
    expect(() => registerMetrics(registry, { register, buckets: [] })).toThrow(RangeError);
    expect(() => registerMetrics(registry, { register, buckets: ['1'] as never })).toThrow(TypeError);
    expect(register.getMetricsAsArray()).toEqual([]);
  });

  it("accepts prom-client's registries as a MetricsRegister (checked by the compiler)", () => {
    const registers: MetricsRegister[] = [
      globalRegister,
      new Registry(),
      new Registry<OpenMetricsContentType>(),
      new AggregatorRegistry(),
    ];
    expect(registers).toHaveLength(4);
  });
});
