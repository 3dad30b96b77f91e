import { describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from '../CircuitBreaker.js';
import { FakeClock } from '../clock/FakeClock.js';
import type { CircuitBreakerOptions, Logger } from '../options.js';
import { CircuitBreakerRegistry } from './CircuitBreakerRegistry.js';

const fail = (): Promise<never> => Promise.reject(new Error('down'));
const ok = (): Promise<string> => Promise.resolve('ok');

async function failTimes(breaker: CircuitBreaker, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await breaker.call(fail).catch(() => {});
}

function silentLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (_: object, message?: string): void => {
    lines.push(message ?? '');
  };
  return { lines, info: log, warn: log, error: log };
}

describe('CircuitBreakerRegistry', () => {
  describe('register / get / getOrCreate', () => {
    it('registers a breaker from options and finds it by name', () => {
      const registry = new CircuitBreakerRegistry();
      const breaker = registry.register('db', { failureThreshold: 3 });
      expect(breaker.name).toBe('db');
      expect(breaker.options.failureThreshold).toBe(3);
      expect(registry.get('db')).toBe(breaker);
      expect(registry.get('nope')).toBeUndefined();
    });

    it('registers an existing breaker of the same name, keeping its own options', () => {
      const registry = new CircuitBreakerRegistry({ defaults: { resetTimeout: 1 } });
      const breaker = new CircuitBreaker({ name: 'email', resetTimeout: 5000 });
      expect(registry.register('email', breaker)).toBe(breaker);
      expect(registry.get('email')?.options.resetTimeout).toBe(5000);
    });

    it('refuses a taken name', () => {
      const registry = new CircuitBreakerRegistry();
      registry.register('db');
      expect(() => registry.register('db', {})).toThrow(
        "The name 'db' is taken by a breaker in this registry",
      );
      expect(() => registry.register('db', new CircuitBreaker({ name: 'db' }))).toThrow(/taken/);
    });

    it('refuses a breaker or options whose name differs', () => {
      const registry = new CircuitBreakerRegistry();
      expect(() => registry.register('a', new CircuitBreaker({ name: 'b' }))).toThrow(
        new RangeError('Expected `breaker.name` to be "a" (the name it is registered under), got `"b"`'),
      );
      expect(() => registry.register('a', { name: 'b' })).toThrow(RangeError);
      expect(registry.get('a')).toBeUndefined();
      expect(registry.register('a', { name: 'a' }).name).toBe('a');
    });

    it('refuses an empty or non-string name and options of the wrong type', () => {
      const registry = new CircuitBreakerRegistry();
      expect(() => registry.register('')).toThrow(
        new TypeError('Expected `name` to be a non-empty string, got `""`'),
      );
      expect(() => registry.register('x', 5 as never)).toThrow(TypeError);
      expect(() => registry.register('x', { failureTreshold: 3 } as never)).toThrow(
        /did you mean `failureThreshold`/,
      );
    });

    it('getOrCreate creates once; options apply only on creation', () => {
      const registry = new CircuitBreakerRegistry();
      const first = registry.getOrCreate('api', { failureThreshold: 2 });
      const second = registry.getOrCreate('api', { failureThreshold: 9 });
      expect(second).toBe(first);
      expect(second.options.failureThreshold).toBe(2);
      expect(registry.getOrCreate('other').options.failureThreshold).toBe(5);
    });
  });

  describe('defaults', () => {
    it('merge under each breaker’s own options', () => {
      const registry = new CircuitBreakerRegistry({
        defaults: { resetTimeout: 10_000, failureThreshold: 2 },
      });
      const a = registry.register('a');
      const b = registry.register('b', { resetTimeout: 500 });
      expect(a.options.resetTimeout).toBe(10_000);
      expect(a.options.failureThreshold).toBe(2);
      expect(b.options.resetTimeout).toBe(500);
      expect(b.options.failureThreshold).toBe(2);
    });

    it('`false` switches off an inherited rule; `undefined` does not', () => {
      const registry = new CircuitBreakerRegistry({
        defaults: { failureRateThreshold: 0.5, failureThreshold: 3 },
      });
      const off = registry.register('off', { failureThreshold: false });
      expect(off.options.failureThreshold).toBe(false);
      expect(off.options.failureRateThreshold).toBe(0.5);
      const kept = registry.register('kept', {
        failureThreshold: undefined,
      } as unknown as CircuitBreakerOptions);
      expect(kept.options.failureThreshold).toBe(3);
    });

    it('the registry’s logger and clock apply unless the breaker brings its own', async () => {
      const clock = new FakeClock();
      const logger = silentLogger();
      const registry = new CircuitBreakerRegistry({ logger, clock, defaults: { failureThreshold: 1 } });
      const inherits = registry.register('inherits', { resetTimeout: 1000 });
      expect(inherits.options.clock).toBe(clock);
      await failTimes(inherits, 1);
      expect(logger.lines).toContain("Circuit breaker 'inherits' opening circuit");
      clock.advance(1000);
      expect(inherits.state).toBe('half_open');

      const ownLogger = silentLogger();
      const ownClock = new FakeClock();
      const own = registry.register('own', { logger: ownLogger, clock: ownClock });
      expect(own.options.clock).toBe(ownClock);
      await failTimes(own, 1);
      expect(ownLogger.lines).toContain("Circuit breaker 'own' opening circuit");
      expect(logger.lines).not.toContain("Circuit breaker 'own' opening circuit");
    });

    it('are validated when the registry is made, and never mutated', () => {
      expect(() => new CircuitBreakerRegistry({ defaults: { failureThreshold: 0 } })).toThrow(
        new RangeError(
          'Invalid registry defaults: Expected `failureThreshold` to be an integer >= 1, or false, got `0`',
        ),
      );
      expect(() => new CircuitBreakerRegistry({ defaults: { name: 'x' } as never })).toThrow(
        'Unknown option `defaults.name`',
      );
      expect(() => new CircuitBreakerRegistry({ store: {} } as never)).toThrow(
        'Invalid registry defaults: Expected `store` to be a StateStore',
      );
      expect(() => new CircuitBreakerRegistry({ stor: {} } as never)).toThrow(
        'Unknown registry option `stor`; did you mean `store`?',
      );
      expect(() => new CircuitBreakerRegistry(null as never)).toThrow(TypeError);
      const defaults = { resetTimeout: 5 };
      const registry = new CircuitBreakerRegistry({ defaults });
      registry.register('a', { failureThreshold: 1 });
      expect(defaults).toEqual({ resetTimeout: 5 });
      expect(Object.isFrozen(registry.defaults)).toBe(true);
    });
  });

  describe('remove / reset / resetAll / iteration', () => {
    it('remove disposes the breaker and says whether it existed', async () => {
      const registry = new CircuitBreakerRegistry();
      const breaker = registry.register('db');
      expect(registry.remove('db')).toBe(true);
      expect(registry.remove('db')).toBe(false);
      expect(registry.get('db')).toBeUndefined();
      await expect(breaker.call(ok)).rejects.toMatchObject({ code: 'ERR_CIRCUIT_DISPOSED' });
      expect(registry.register('db')).not.toBe(breaker);
    });

    it('reset closes one breaker; resetAll closes every one, keyed ones included', async () => {
      const registry = new CircuitBreakerRegistry({ defaults: { failureThreshold: 1 } });
      const a = registry.register('a');
      const b = registry.register('b');
      const k = registry.keyed('hosts').get('x');
      await failTimes(a, 1);
      await failTimes(b, 1);
      await failTimes(k, 1);
      expect(registry.reset('a')).toBe(true);
      expect(registry.reset('missing')).toBe(false);
      expect([a.state, b.state, k.state]).toEqual(['closed', 'open', 'open']);
      registry.resetAll();
      expect([a.state, b.state, k.state]).toEqual(['closed', 'closed', 'closed']);
    });

    it('iterates over every breaker, keyed ones included', () => {
      const registry = new CircuitBreakerRegistry();
      registry.register('a');
      registry.register('b');
      registry.keyed('hosts').get('x');
      expect([...registry].map((breaker) => breaker.name)).toEqual(['a', 'b', 'hosts:x']);
    });
  });

  describe('statuses', () => {
    it('lists name, state, availability, failure rate and metrics of every breaker', async () => {
      const registry = new CircuitBreakerRegistry({ defaults: { failureThreshold: 2 } });
      const db = registry.register('db');
      registry.register('api');
      registry.keyed('hosts').get('h1');
      await db.call(ok);
      await failTimes(db, 2);
      const statuses = registry.statuses();
      expect(statuses.map((s) => [s.name, s.state, s.isAvailable])).toEqual([
        ['db', 'open', false],
        ['api', 'closed', true],
        ['hosts:h1', 'closed', true],
      ]);
      expect(statuses[0]?.failureRate).toBeCloseTo(2 / 3);
      expect(statuses[0]?.metrics.totalCalls).toBe(3);
      expect(statuses[2]?.group).toBe('hosts');
      expect(statuses[0]).not.toHaveProperty('group');
    });
  });

  describe('health', () => {
    it('is healthy while every breaker is closed, with the window’s counts', async () => {
      const registry = new CircuitBreakerRegistry();
      const db = registry.register('db', { failureThreshold: 3 });
      await db.call(ok);
      await failTimes(db, 1);
      expect(registry.health()).toEqual({
        status: 'healthy',
        breakers: { db: { state: 'closed', failureCount: 1, failureRate: 0.5 } },
      });
    });

    it('is degraded while a non-critical breaker is open, half-open or forced open', async () => {
      const clock = new FakeClock();
      const registry = new CircuitBreakerRegistry({
        clock,
        defaults: { failureThreshold: 1, resetTimeout: 100 },
      });
      const api = registry.register('api');
      registry.register('db', { critical: true });
      await failTimes(api, 1);
      expect(registry.health().status).toBe('degraded');
      clock.advance(100);
      expect(registry.health().breakers.api).toMatchObject({ state: 'half_open' });
      expect(registry.health().status).toBe('degraded');
      api.forceOpen();
      expect(registry.health().status).toBe('degraded');
      api.forceClose();
      expect(registry.health().status).toBe('healthy');
    });

    it('is unhealthy only while a critical breaker is open, and keeps the counts that tripped it', async () => {
      const registry = new CircuitBreakerRegistry({ defaults: { failureThreshold: 2 } });
      const db = registry.register('db', { critical: true });
      registry.register('api');
      await db.call(ok);
      await failTimes(db, 2);
      const health = registry.health();
      expect(health.status).toBe('unhealthy');
      expect(health.breakers.db).toEqual({ state: 'open', failureCount: 2, failureRate: 2 / 3 });
      db.reset();
      expect(registry.health().status).toBe('healthy');
    });

    it('a critical breaker half-open is degraded, not unhealthy: a 503 would starve its trial', async () => {
      const clock = new FakeClock();
      const registry = new CircuitBreakerRegistry({ clock });
      const db = registry.register('db', { critical: true, failureThreshold: 1, resetTimeout: 100 });
      await failTimes(db, 1);
      expect(registry.health().status).toBe('unhealthy');
      clock.advance(100);
      expect(db.state).toBe('half_open');
      expect(registry.health().status).toBe('degraded');
      db.forceOpen();
      expect(registry.health().status).toBe('unhealthy');
    });

    it('shows a keyed group as one entry with its worst state, keys and open count', async () => {
      const registry = new CircuitBreakerRegistry({ defaults: { failureThreshold: 1 } });
      const hosts = registry.keyed('hosts');
      hosts.get('a');
      await failTimes(hosts.get('b'), 1);
      hosts.get('c').forceClose();
      expect(registry.health()).toEqual({
        status: 'degraded',
        breakers: { hosts: { state: 'open', keys: 3, open: 1 } },
      });
      hosts.get('a').forceOpen();
      expect(registry.health().breakers.hosts).toEqual({ state: 'forced_open', keys: 3, open: 2 });
      registry.resetAll();
      hosts.get('c').forceClose();
      expect(registry.health()).toEqual({
        status: 'healthy',
        breakers: { hosts: { state: 'forced_closed', keys: 3, open: 0 } },
      });
    });

    it('a critical keyed group makes the service unhealthy while one of its keys is open', async () => {
      const registry = new CircuitBreakerRegistry();
      const tenants = registry.keyed('tenants', { critical: true, failureThreshold: 1 });
      tenants.get('t1');
      expect(registry.health().status).toBe('healthy');
      await failTimes(tenants.get('t2'), 1);
      expect(registry.health().status).toBe('unhealthy');
    });

    it('a breaker named __proto__ is an ordinary entry', () => {
      const registry = new CircuitBreakerRegistry();
      registry.register('__proto__');
      expect(Object.keys(registry.health().breakers)).toEqual(['__proto__']);
    });
  });

  describe('keyed groups in the registry', () => {
    it('keyed() with a name in use and the same options returns that group; its breakers are found by full name', () => {
      const registry = new CircuitBreakerRegistry();
      const group = registry.keyed('hosts', { failureThreshold: 2 });
      expect(registry.keyed('hosts', { failureThreshold: 2 })).toBe(group);
      expect(() => registry.keyed('hosts', { failureThreshold: 9 })).toThrow(TypeError);
      const breaker = group.get('example.com:443');
      expect(breaker.name).toBe('hosts:example.com:443');
      expect(breaker.options.failureThreshold).toBe(2);
      expect(registry.get('hosts:example.com:443')).toBe(breaker);
      expect(registry.get('hosts:unknown')).toBeUndefined();
      expect(group.size).toBe(1);
    });

    it('registry defaults apply under the group’s options', () => {
      const clock = new FakeClock();
      const registry = new CircuitBreakerRegistry({
        clock,
        defaults: { resetTimeout: 7, failureThreshold: 4 },
      });
      const breaker = registry.keyed('hosts', { failureThreshold: 1 }).get('a');
      expect(breaker.options).toMatchObject({ resetTimeout: 7, failureThreshold: 1, clock });
    });

    it('names of breakers and groups cannot overlap', () => {
      const registry = new CircuitBreakerRegistry();
      registry.register('db');
      registry.register('api:v1');
      registry.keyed('hosts');
      expect(() => registry.keyed('db')).toThrow("The name 'db' is taken by a breaker");
      expect(() => registry.keyed('api')).toThrow(/taken by breaker 'api:v1'/);
      expect(() => registry.register('hosts')).toThrow(/taken by a keyed group/);
      expect(() => registry.register('hosts:x')).toThrow(/keyed group 'hosts'/);
      expect(() => registry.keyed('hosts:eu')).toThrow(/keyed group 'hosts'/);
    });

    it('remove() takes a keyed breaker or a whole group', async () => {
      const registry = new CircuitBreakerRegistry();
      const group = registry.keyed('hosts');
      const a = group.get('a');
      const b = group.get('b');
      expect(registry.remove('hosts:a')).toBe(true);
      expect(group.has('a')).toBe(false);
      await expect(a.call(ok)).rejects.toMatchObject({ code: 'ERR_CIRCUIT_DISPOSED' });
      expect(registry.remove('hosts')).toBe(true);
      await expect(b.call(ok)).rejects.toMatchObject({ code: 'ERR_CIRCUIT_DISPOSED' });
      expect(registry.statuses()).toEqual([]);
      expect(registry.keyed('hosts')).not.toBe(group);
    });

    it('reset() of a group name resets each of its breakers', async () => {
      const registry = new CircuitBreakerRegistry({ defaults: { failureThreshold: 1 } });
      const group = registry.keyed('hosts');
      await failTimes(group.get('a'), 1);
      await failTimes(group.get('b'), 1);
      expect(registry.reset('hosts')).toBe(true);
      expect([...group].map((b) => b.state)).toEqual(['closed', 'closed']);
      expect(registry.reset('hosts:a')).toBe(true);
    });
  });

  it('a listener on a registered breaker is not disturbed by the registry', async () => {
    const registry = new CircuitBreakerRegistry({ defaults: { failureThreshold: 1 } });
    const breaker = registry.register('db');
    const onOpen = vi.fn();
    breaker.on('open', onOpen);
    await failTimes(breaker, 1);
    registry.statuses();
    registry.health();
    expect(onOpen).toHaveBeenCalledTimes(1);
    breaker.dispose();
  });
});
