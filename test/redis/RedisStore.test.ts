import { type AddressInfo, createServer } from 'node:net';
import { Redis } from 'ioredis';
import { Redis as Redis5 } from 'ioredis5';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/index.js';
import { RedisStore } from '../../src/redis/index.js';
import { breakerKeys, keyList, sequenceKey } from '../../src/redis/keys.js';
import { REPORT } from '../../src/redis/scripts/report.js';
import { TRANSITION } from '../../src/redis/scripts/transition.js';
import { redisFleet } from '../support/redisFleet.js';
import { describeRedis, RedisServer, waitFor } from '../support/redisServer.js';

const fail = () => Promise.reject(new Error('down'));

describeRedis('RedisStore', () => {
  const server = new RedisServer();
  const cleanup: Array<() => unknown> = [];
  beforeAll(() => server.start(), 20_000);
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(() => server.dispose());

  function fleet(options: Parameters<typeof redisFleet>[1] = {}) {
    const h = redisFleet(server.port, options);
    cleanup.push(() => h.close());
    return h;
  }

  function breaker(
    store: RedisStore,
    name: string,
    options: ConstructorParameters<typeof CircuitBreaker>[0] = {},
  ) {
    const b = new CircuitBreaker({ failureThreshold: 3, ...options, name, store });
    cleanup.push(() => b.dispose());
    return b;
  }

  it('validates its options with errors naming the option, the value and the fix', () => {
    const client = new Redis({ port: server.port, lazyConnect: true });
    cleanup.push(() => client.disconnect());
    expect(() => new RedisStore({ client, flushInterval: -1 })).toThrow(
      new RangeError('Expected `flushInterval` to be a duration in ms from 1 to 60000, got `-1`'),
    );
    expect(() => new RedisStore({ client, quorum: 1.5 })).toThrow(
      new RangeError('Expected `quorum` to be an integer >= 1, got `1.5`'),
    );
    expect(() => new RedisStore({ client, syncInterval: 100, flushInterval: 200 })).toThrow(RangeError);
    expect(() => new RedisStore({ client, namespace: 'a{b}' })).toThrow(TypeError);
    expect(() => new RedisStore({ client, flushInteval: 1 } as never)).toThrow(
      /Unknown RedisStore option `flushInteval`/,
    );
    expect(() => new RedisStore({ client: {} })).toThrow(/ioredis client .* node-redis/);
    expect(() => new RedisStore({} as never)).toThrow(TypeError);
  });

  it('a window with buckets shorter than syncInterval is shared, not refused: no storeError, the breaker binds', async () => {
    const h = fleet({ syncInterval: 2_000 }); // the default
    const store = h.instance();
    const errors: unknown[] = [];
    const logger = { info() {}, error() {}, warn: (fields: unknown) => errors.push(fields) };
    const windows = { narrow: 3_000, ten: 10_000 }; // 10 buckets of 300 ms, and of 1 s
    for (const [name, duration] of Object.entries(windows)) {
      const breaker = new CircuitBreaker({
        name,
        store,
        logger,
        failureRateThreshold: 0.5,
        window: { type: 'time', duration, buckets: 10 },
      });
      cleanup.push(() => breaker.dispose());
      await breaker.call(fail).catch(() => {});
    }
    expect(errors).toEqual([]);
    expect(store.stats().bindings).toBe(2);
    await store.flush();
    const statuses = await h.admin.list();
    expect(statuses).toMatchObject([
      { name: 'narrow', windowCalls: 1, failures: 1 },
      { name: 'ten', windowCalls: 1, failures: 1 },
    ]);
  });

  it('works with ioredis 5 and node-redis 5 clients too (one adapter each)', async () => {
    const namespace = `adapters-${process.pid}`;
    const io5 = new Redis5({ port: server.port, lazyConnect: true });
    const node = createClient({ url: server.url });
    node.on('error', () => {});
    const a = new RedisStore({
      client: io5,
      namespace,
      flushInterval: 50,
      syncInterval: 500,
      instanceId: 'a',
    });
    const b = new RedisStore({
      client: node,
      namespace,
      flushInterval: 50,
      syncInterval: 500,
      instanceId: 'b',
    });
    cleanup.push(async () => {
      await a.close();
      await b.close();
      io5.disconnect();
    });
    const one = breaker(a, 'shared');
    const two = breaker(b, 'shared');
    await waitFor(
      async () => (await a.list()).find((s) => s.name === 'shared')?.instances === 2,
      'two instances',
    );
    one.forceOpen();
    await waitFor(() => two.state === 'forced_open', 'node-redis instance forced open');
    two.reset();
    await waitFor(() => one.state === 'closed', 'ioredis 5 instance reset');
    for (let i = 0; i < 3; i++) await two.call(fail).catch(() => {});
    await waitFor(() => one.state === 'open', 'a trip on node-redis opens ioredis 5');
  });

  it('NOSCRIPT after SCRIPT FLUSH falls back to EVAL; lost keys after FLUSHALL continue the epochs', async () => {
    const h = fleet();
    const [a, b] = [breaker(h.instance(), 'lost'), breaker(h.instance(), 'lost')];
    a.forceOpen();
    await waitFor(() => b.state === 'forced_open', 'b forced open');
    a.reset();
    await waitFor(() => b.state === 'closed', 'b closed');
    const before = (await h.admin.list()).find((s) => s.name === 'lost')!.epoch;
    expect(before).toBe(2);
    server.cli('SCRIPT', 'FLUSH');
    server.cli('FLUSHALL');
    b.open(30_000);
    await waitFor(() => a.state === 'open', 'a opens after the keys were lost');
    await h.sync();
    const after = (await h.admin.list()).find((s) => s.name === 'lost');
    expect(after?.epoch).toBeGreaterThan(before);
    expect(after?.state).toBe('open');
  });

  it('a retried report never counts twice, and a stale decision changes nothing', async () => {
    const client = new Redis({ port: server.port });
    cleanup.push(() => client.disconnect());
    const keys = keyList(breakerKeys('direct', 'db'));
    const seq = sequenceKey('direct', 'db', 'tok');
    const bucket = Math.floor(Date.now() / 6000);
    const report = (n: number) =>
      client.eval(
        REPORT,
        6,
        ...keys,
        seq,
        ...['db', 'direct:transitions', 'tok', n, 0, 6000, 10, 60000, 30000],
        ...[0, 0, 0, 1, 60000, 1, 0, 1, 0, 'h', 60000, 1, 0, bucket, 5, 1, 0],
      );
    await report(1);
    await report(1); // the same report again: a retry
    await report(2);
    expect(await client.hget(keys[0]!, 'calls')).toBe('10');
    expect(await client.hget(keys[1]!, `6000:${bucket}:c`)).toBe('10');
    const transition = (base: number, reason: string, to: string) =>
      client.eval(
        TRANSITION,
        5,
        ...keys,
        'db',
        'direct:transitions',
        'tok',
        'i',
        base,
        to,
        reason,
        1000,
        1,
        1,
        60000,
        60000,
      );
    expect(((await transition(0, 'force_open', 'forced_open')) as unknown[])[0]).toBe('accepted');
    expect(((await transition(0, 'reset', 'closed')) as unknown[])[0]).toBe('stale');
    expect(await client.hget(keys[0]!, 'state')).toBe('forced_open');
    for (const key of await client.keys('direct:*')) expect(await client.pttl(key), key).toBeGreaterThan(0);
  });

  it('a command queued behind a local decision the fleet overrode still applies (reset after a stale trip)', async () => {
    const h = fleet();
    const a = breaker(h.instance(), 'raced', { failureThreshold: 1 });
    await a.call(async () => 1);
    await h.sync();
    // The fleet moves on without this instance hearing it (published on a channel nobody reads).
    const client = new Redis({ port: server.port });
    cleanup.push(() => client.disconnect());
    const keys = keyList(breakerKeys(h.namespace, 'raced'));
    const args = [
      'raced',
      'elsewhere',
      'other',
      'instance-9',
      0,
      'forced_open',
      'force_open',
      -1,
      0,
      1,
      60000,
      60000,
    ];
    expect(((await client.eval(TRANSITION, 5, ...keys, ...args)) as unknown[])[0]).toBe('accepted');
    const seen: string[] = [];
    a.on('stateChange', ({ to }) => seen.push(to));
    await a.call(fail).catch(() => {}); // trips under the old epoch: stale
    a.reset(); // queued behind it, in the same tick
    await h.until(
      async () => (await client.hget(keys[0]!, 'state')) === 'closed',
      'the reset to reach the fleet',
    );
    await h.sync();
    expect(a.state).toBe('closed');
    expect(seen).toEqual(['open', 'closed']); // never the forced_open it was about to override
  });

  it('flush() before the first connection is up waits for it and sends what was recorded', async () => {
    const h = fleet({ flushInterval: 5_000, syncInterval: 5_000 }); // no timer flush meanwhile
    const store = h.instance();
    const b = breaker(store, 'early', { failureThreshold: 10 });
    await b.call(fail).catch(() => {});
    await store.flush();
    const client = new Redis({ port: server.port });
    cleanup.push(() => client.disconnect());
    const state = breakerKeys(h.namespace, 'early').state;
    expect(await client.hmget(state, 'calls', 'failures')).toEqual(['1', '1']);
  });

  it('close() does not wait out a flush still waiting for a first connection that never comes', async () => {
    // A server that accepts and never answers: the connection neither fails nor becomes ready.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => silent.close(resolve)));
    const { port } = silent.address() as AddressInfo;
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
    cleanup.push(() => client.disconnect());
    const store = new RedisStore({ client, commandTimeout: 60_000 });
    const b = new CircuitBreaker({ name: 'never', store });
    await b.call(fail).catch(() => {});
    const flushed = store.flush(); // waits for the first connection
    // Without the fix close() waits for the flush's 60 s connection timeout, and the test times out.
    await store.close();
    await flushed;
    expect(store.stats().reports).toBe(0);
    b.dispose();
  });

  it('every key has a TTL, refreshed while an instance is bound', async () => {
    const h = fleet();
    const a = breaker(h.instance(), 'ttl', { failureThreshold: 2, failureRateThreshold: 0.5 });
    const b = breaker(h.instance(), 'ttl', { failureThreshold: 2, failureRateThreshold: 0.5 });
    await a.call(fail).catch(() => {});
    await b.call(async () => 1);
    b.forceOpen();
    await h.sync();
    const keys = server.cli('--scan', '--pattern', `${h.namespace}:*`).split('\n').filter(Boolean);
    expect(keys.length).toBeGreaterThanOrEqual(4);
    for (const key of keys) expect(Number(server.cli('PTTL', key)), key).toBeGreaterThan(0);
  });

  it('instances running different rule options (a rolling deploy) get a storeError warning, not an error', async () => {
    const h = fleet();
    const errors: unknown[] = [];
    const a = breaker(h.instance(), 'rolling', { failureThreshold: 3 });
    const b = breaker(h.instance(), 'rolling', { failureThreshold: 4 });
    for (const each of [a, b]) each.on('storeError', ({ error }) => errors.push(error));
    await waitFor(async () => {
      await h.sync();
      return errors.length > 0;
    }, 'a rule mismatch warning');
    expect(String(errors[0])).toContain("Instances of breaker 'rolling' run with different rule options");
    await a.call(async () => 1);
    expect(a.state).toBe('closed');
  });

  it('counts what the instances report, and exposes the commands it sent', async () => {
    const h = fleet();
    const stores = [h.instance(), h.instance(), h.instance()];
    const breakers = stores.map((store) => breaker(store, 'counted', { failureThreshold: 1000 }));
    let outcomes = 0;
    for (let round = 0; round < 20; round++) {
      for (const b of breakers) {
        outcomes++;
        await b.call(round % 5 === 0 ? fail : async () => 1).catch(() => {});
      }
    }
    await h.sync();
    const status = (await h.admin.list()).find((s) => s.name === 'counted');
    expect(status).toMatchObject({ windowCalls: outcomes, failures: 12, instances: 3 });
    const stats = stores[0]!.stats();
    expect(stats.reports).toBeGreaterThan(0);
    expect(stats.commands).toBeGreaterThanOrEqual(stats.reports);
    expect(stats.bindings).toBe(1);
  });
});
