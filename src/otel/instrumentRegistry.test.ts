import { metrics as otelMetrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it, vi } from 'vitest';
import { type CircuitBreaker, CircuitBreakerRegistry, FakeClock } from '../index.js';
import { DURATION_BUCKETS, instrumentRegistry } from './index.js';

const fail = (): Promise<never> => Promise.reject(new Error('down'));

/** A reader that collects on demand. */
class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

function setup(options: { delta?: boolean; latencySampling?: number } = {}) {
  const clock = new FakeClock();
  const registry = new CircuitBreakerRegistry({
    clock,
    defaults: options.latencySampling === undefined ? {} : { latencySampling: options.latencySampling },
  });
  const reader = new TestReader(
    options.delta ? { aggregationTemporalitySelector: () => AggregationTemporality.DELTA } : {},
  );
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('breakwater-test');
  /** The instruments collected now, by name. */
  const collect = async (): Promise<Map<string, MetricData>> => {
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    return new Map(
      resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).map((m) => [m.descriptor.name, m]),
    );
  };
  return { clock, registry, meter, collect };
}

/** The value of the data point of `metric` whose attributes include `attributes`. */
function point(metric: MetricData | undefined, attributes: Record<string, string>): unknown {
  const found = (metric?.dataPoints ?? []).filter((p) =>
    Object.entries(attributes).every(([key, value]) => p.attributes[key] === value),
  );
  if (found.length !== 1)
    throw new Error(`Expected one point ${JSON.stringify(attributes)}, found ${found.length}`);
  return found[0]!.value;
}

function namesIn(metric: MetricData | undefined): Set<unknown> {
  return new Set((metric?.dataPoints ?? []).map((p) => p.attributes['circuit_breaker.name']));
}

function takes(breaker: CircuitBreaker, clock: FakeClock, ms: number): Promise<unknown> {
  return breaker.call(async () => {
    clock.advance(ms);
  });
}

describe('instrumentRegistry', () => {
  it('reports the instruments with their names, units, kinds, attributes and values', async () => {
    const { clock, registry, meter, collect } = setup({ latencySampling: 1 });
    const db = registry.register('db', { failureThreshold: 3, timeout: 100 });
    instrumentRegistry(registry, { meter });
    await takes(db, clock, 3);
    await takes(db, clock, 40);
    await db.call(fail, { fallback: () => 'cached' });
    const hung = db.call(() => new Promise(() => {})).catch(() => {});
    clock.advance(110);
    await hung;
    await db.call(fail).catch(() => {}); // third failure in a row: opens
    await db.call(async () => 1).catch(() => {}); // rejected

    const m = await collect();
    expect(
      [...m.values()].map((metric) => [metric.descriptor.name, metric.descriptor.unit, metric.dataPointType]),
    ).toEqual([
      ['circuit_breaker.state', '', DataPointType.GAUGE],
      ['circuit_breaker.calls', '{call}', DataPointType.SUM],
      ['circuit_breaker.failure_rate', '1', DataPointType.GAUGE],
      ['circuit_breaker.transitions', '{transition}', DataPointType.SUM],
      ['circuit_breaker.slow_calls', '{call}', DataPointType.SUM],
      ['circuit_breaker.fallbacks', '{fallback}', DataPointType.SUM],
      ['circuit_breaker.call.duration', 's', DataPointType.HISTOGRAM],
    ]);
    const name = { 'circuit_breaker.name': 'db' };
    expect(point(m.get('circuit_breaker.state'), { ...name, state: 'open' })).toBe(1);
    expect(point(m.get('circuit_breaker.state'), { ...name, state: 'closed' })).toBe(0);
    expect(m.get('circuit_breaker.state')?.dataPoints).toHaveLength(5);
    const calls = Object.fromEntries(
      ['success', 'failure', 'timeout', 'rejected', 'ignored'].map((outcome) => [
        outcome,
        point(m.get('circuit_breaker.calls'), { ...name, outcome }),
      ]),
    );
    expect(calls).toEqual({ success: 2, failure: 2, timeout: 1, rejected: 1, ignored: 0 });
    expect(m.get('circuit_breaker.calls')).toMatchObject({ isMonotonic: true });
    expect(point(m.get('circuit_breaker.failure_rate'), name)).toBeCloseTo(3 / 5);
    expect(point(m.get('circuit_breaker.transitions'), { ...name, from: 'closed', to: 'open' })).toBe(1);
    expect(point(m.get('circuit_breaker.transitions'), { ...name, from: 'open', to: 'half_open' })).toBe(0);
    expect(point(m.get('circuit_breaker.fallbacks'), name)).toBe(1);

    const duration = point(m.get('circuit_breaker.call.duration'), name) as Histogram;
    expect(duration.buckets.boundaries).toEqual(DURATION_BUCKETS);
    expect(duration.count).toBe(5); // every call that ran (sampling 1), the timeout included
    expect(duration.sum).toBeCloseTo(0.003 + 0.04 + duration.max!, 6);
    expect(duration.max).toBeGreaterThanOrEqual(0.1); // the timeout
    expect(duration.buckets.counts.slice(0, 4)).toEqual([3, 0, 0, 1]); // 0 ms twice (the failures), 3 ms; 40 ms
  });

  it('advises the `buckets` of your choice for the duration histogram', async () => {
    const { clock, registry, meter, collect } = setup({ latencySampling: 1 });
    const db = registry.register('db');
    instrumentRegistry(registry, { meter, buckets: [0.1, 0.5, 0.535, 1] });
    for (const ms of [50, 510, 520, 700]) await takes(db, clock, ms);
    const duration = point((await collect()).get('circuit_breaker.call.duration'), {
      'circuit_breaker.name': 'db',
    }) as Histogram;
    expect(duration.buckets.boundaries).toEqual([0.1, 0.5, 0.535, 1]);
    expect(duration.buckets.counts).toEqual([1, 0, 2, 1, 0]);
  });

  it("keeps counters monotonic through reset(), forced states and a keyed group's evictions", async () => {
    const { registry, meter, collect } = setup();
    const db = registry.register('db', { failureThreshold: 1 });
    const hosts = registry.keyed('hosts', { maxKeys: 1, failureThreshold: 1 });
    instrumentRegistry(registry, { meter });
    await db.call(fail).catch(() => {});
    await db.call(async () => 1).catch(() => {}); // rejected
    db.forceOpen();
    await hosts
      .get('a')
      .call(fail)
      .catch(() => {});
    const before = await collect();
    db.reset();
    hosts.get('b'); // evicts a, open (no closed one to prefer)
    const after = await collect();
    for (const metric of ['circuit_breaker.calls', 'circuit_breaker.transitions']) {
      for (const p of before.get(metric)!.dataPoints) {
        expect(
          point(after.get(metric), p.attributes as Record<string, string>),
          JSON.stringify(p.attributes),
        ).toBe(p.value);
      }
    }
    const dbName = { 'circuit_breaker.name': 'db' };
    expect(point(after.get('circuit_breaker.calls'), { ...dbName, outcome: 'failure' })).toBe(1);
    expect(
      point(after.get('circuit_breaker.transitions'), { ...dbName, from: 'open', to: 'forced_open' }),
    ).toBe(1);
    expect(
      point(after.get('circuit_breaker.transitions'), { ...dbName, from: 'forced_open', to: 'closed' }),
    ).toBe(1);
  });

  it('feeds the duration histogram from the sampled path only: calls stay exact', async () => {
    const { clock, registry, meter, collect } = setup();
    const db = registry.register('db');
    instrumentRegistry(registry, { meter });
    for (let i = 0; i < 100; i++) await takes(db, clock, 2);
    const m = await collect();
    const name = { 'circuit_breaker.name': 'db' };
    expect(point(m.get('circuit_breaker.calls'), { ...name, outcome: 'success' })).toBe(100);
    expect((point(m.get('circuit_breaker.call.duration'), name) as Histogram).count).toBe(10);
  });

  it('reports a keyed group as one entry, its durations included, and its breakers per state', async () => {
    const { clock, registry, meter, collect } = setup({ latencySampling: 1 });
    const tenant = registry.register('tenant'); // a breaker whose name starts the group's
    const hosts = registry.keyed('tenant:eu', { failureThreshold: 1 });
    instrumentRegistry(registry, { meter });
    for (let i = 0; i < 50; i++) await takes(hosts.get(`host:${i}`), clock, 7);
    await hosts
      .get('host:3')
      .call(fail)
      .catch(() => {});
    await takes(tenant, clock, 300);
    const m = await collect();
    for (const metric of m.values()) {
      expect(namesIn(metric), metric.descriptor.name).toEqual(
        metric.descriptor.name === 'circuit_breaker.group.breakers'
          ? new Set(['tenant:eu'])
          : new Set(['tenant', 'tenant:eu']),
      );
    }
    const group = { 'circuit_breaker.name': 'tenant:eu' };
    expect(point(m.get('circuit_breaker.state'), { ...group, state: 'open' })).toBe(1);
    expect(point(m.get('circuit_breaker.group.breakers'), { ...group, state: 'closed' })).toBe(49);
    expect(point(m.get('circuit_breaker.group.breakers'), { ...group, state: 'open' })).toBe(1);
    expect(m.get('circuit_breaker.group.breakers')).toMatchObject({ isMonotonic: false });
    expect(point(m.get('circuit_breaker.calls'), { ...group, outcome: 'success' })).toBe(50);
    const durations = point(m.get('circuit_breaker.call.duration'), group) as Histogram;
    expect(durations.count).toBe(51);
    expect(durations.max).toBe(0.007);
    expect(
      (point(m.get('circuit_breaker.call.duration'), { 'circuit_breaker.name': 'tenant' }) as Histogram).max,
    ).toBe(0.3);
  });

  it('follows breakers added later, and stops reporting removed ones', async () => {
    const { clock, registry, meter, collect } = setup({ delta: true, latencySampling: 1 });
    registry.register('early');
    instrumentRegistry(registry, { meter });
    const late = registry.register('late');
    const hosts = registry.keyed('hosts');
    await takes(late, clock, 5);
    await takes(hosts.get('a'), clock, 5);
    let m = await collect();
    expect(namesIn(m.get('circuit_breaker.state'))).toEqual(new Set(['early', 'late', 'hosts']));
    expect(namesIn(m.get('circuit_breaker.call.duration'))).toEqual(new Set(['late', 'hosts']));
    registry.remove('late');
    registry.remove('hosts');
    m = await collect();
    expect(namesIn(m.get('circuit_breaker.state'))).toEqual(new Set(['early']));
    expect(namesIn(m.get('circuit_breaker.calls'))).toEqual(new Set(['early']));
  });

  it('stop() removes the callback and every listener; the registry can be instrumented again', async () => {
    const { clock, registry, meter, collect } = setup({ delta: true, latencySampling: 1 });
    const db = registry.register('db');
    const hosts = registry.keyed('hosts');
    hosts.get('a');
    const instrumentation = instrumentRegistry(registry, { meter });
    expect(() => instrumentRegistry(registry, { meter })).toThrow(
      'instrumentRegistry(): this registry is already instrumented on this meter',
    );
    instrumentation.stop();
    instrumentation.stop();
    const groups = vi.spyOn(registry, 'groups');
    await takes(db, clock, 5);
    await takes(hosts.get('a'), clock, 5);
    await takes(hosts.get('b'), clock, 5);
    expect((await collect()).size).toBe(0);
    expect(groups).not.toHaveBeenCalled();

    instrumentRegistry(registry, { meter });
    await takes(hosts.get('b'), clock, 5);
    const m = await collect();
    expect(namesIn(m.get('circuit_breaker.state'))).toEqual(new Set(['db', 'hosts']));
    expect(
      (point(m.get('circuit_breaker.call.duration'), { 'circuit_breaker.name': 'hosts' }) as Histogram).count,
    ).toBe(1);
  });

  it('adds nothing to a breaker but its latencySample listener', () => {
    const { registry, meter } = setup();
    const db = registry.register('db');
    const on = vi.spyOn(db, 'on');
    instrumentRegistry(registry, { meter });
    expect(on.mock.calls.map(([event]) => event)).toEqual(['latencySample']);
  });

  it('validates its arguments, naming the option, the value and what is expected', () => {
    const { registry, meter } = setup();
    expect(() => instrumentRegistry(null as never, { meter })).toThrow(
      new TypeError('Expected `registry` to be a CircuitBreakerRegistry, got `null`'),
    );
    expect(() => instrumentRegistry(registry, { meter: {} as never })).toThrow(
      new TypeError(
        "Expected `meter` to be an OpenTelemetry Meter (`metrics.getMeter('my-service')` from @opentelemetry/api), got `{}`",
      ),
    );
    expect(() => instrumentRegistry(registry, { meter, metre: 1 } as never)).toThrow(
      new TypeError('Unknown option `metre` of instrumentRegistry(); the options are `meter` and `buckets`'),
    );
    expect(() => instrumentRegistry(registry, { meter, buckets: [0.5, 0.1] })).toThrow(
      new RangeError(
        'Expected `buckets[1]` to be a bound above the one before it (0.5): upper bounds in seconds, ascending, e.g. `[0.05, 0.1, 0.5, 0.535, 1, 5]`, got `0.1`',
      ),
    );
    expect(() => instrumentRegistry(registry, { meter, buckets: [-1] })).toThrow(RangeError);
    expect(() => instrumentRegistry(registry, { meter, buckets: 'fine' as never })).toThrow(TypeError);
    // The API's no-op meter (no SDK installed) is a meter: instrumenting with it costs nothing and reports nothing.
    expect(() => instrumentRegistry(registry, { meter: otelMetrics.getMeter('noop') }).stop()).not.toThrow();
  });
});
