import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/index.js';
import { RedisStore } from '../../src/redis/index.js';
import { FaultyProxy } from '../support/FaultyProxy.js';
import { describeRedis, RedisServer, waitFor } from '../support/redisServer.js';

const fail = () => Promise.reject(new Error('down'));
const ok = async () => 'ok';
let namespaces = 0;

describeRedis('RedisStore under faults: breakers keep working locally, then converge', () => {
  const server = new RedisServer();
  const cleanup: Array<() => unknown> = [];
  beforeAll(() => server.start(), 20_000);
  afterEach(async () => {
    server.thaw();
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(() => server.dispose());

  /** Two instances, each with its own client and store, on `port` (Redis or a proxy). */
  function pair(port: number, options: ConstructorParameters<typeof CircuitBreaker>[0] = {}) {
    const namespace = `faults-${++namespaces}`;
    const errors: unknown[] = [];
    const make = (id: string) => {
      const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
      const store = new RedisStore({
        client,
        namespace,
        flushInterval: 50,
        syncInterval: 500,
        commandTimeout: 300,
        instanceId: id,
      });
      const breaker = new CircuitBreaker({ failureThreshold: 3, ...options, name: 'dep', store });
      breaker.on('storeError', ({ error }) => errors.push(error));
      if (process.env.DBG)
        breaker.on('stateChange', (e) => console.log(namespace, id, e.from, e.to, e.reason));
      if (process.env.DBG) breaker.on('storeError', (e) => console.log(namespace, id, String(e.error)));
      cleanup.push(async () => {
        breaker.dispose();
        await store.close();
        client.disconnect();
      });
      return { store, breaker };
    };
    const a = make('a');
    const b = make('b');
    return { a, b, errors, namespace };
  }

  async function connected(...stores: RedisStore[]) {
    await waitFor(async () => {
      await Promise.all(stores.map((store) => store.flush()));
      return stores.every((store) => store.stats().reports > 0);
    }, 'connected stores');
  }

  it('Redis frozen (SIGSTOP): calls keep their latency, breakers trip locally, counts sent after SIGCONT open the fleet', async () => {
    const { a, b, errors, namespace } = pair(server.port);
    await connected(a.store, b.store);
    server.freeze();
    const started = performance.now();
    await expect(a.breaker.call(ok)).resolves.toBe('ok');
    const calledIn = performance.now() - started;
    for (let i = 0; i < 3; i++) await a.breaker.call(fail).catch(() => {});
    expect(a.breaker.state).toBe('open');
    expect(calledIn).toBeLessThan(100); // never waits on Redis (the command timeout is 300 ms)
    await waitFor(() => errors.length > 0, 'a storeError while frozen');
    const reported = errors.length;
    server.thaw();
    await waitFor(() => b.breaker.state === 'open', 'b opens once Redis answers again');
    expect(errors.length).toBeLessThanOrEqual(reported + 2); // once per episode, not per command
    // The reports that timed out ran after SIGCONT and were sent again: counted once, never twice.
    await Promise.all([a.store.flush(), b.store.flush()]);
    const calls = Number(server.cli('HGET', `${namespace}:{dep}:state`, 'calls'));
    expect(calls).toBeGreaterThanOrEqual(3); // the failures that opened the fleet
    expect(calls).toBeLessThanOrEqual(4); // a made 4 calls: never more than what happened
  });

  it('Redis stopped and restarted on the same port: local meanwhile, then the fleet converges and every key has a TTL', async () => {
    const { a, b, errors, namespace } = pair(server.port);
    await connected(a.store, b.store);
    await server.stop();
    for (let i = 0; i < 3; i++) await a.breaker.call(fail).catch(() => {});
    expect(a.breaker.state).toBe('open');
    expect(b.breaker.state).toBe('closed');
    await expect(b.breaker.call(ok)).resolves.toBe('ok');
    await waitFor(() => errors.length > 0, 'a storeError while stopped');
    b.breaker.forceClose(); // manual control while unreachable applies locally only
    expect(b.breaker.state).toBe('forced_closed');
    b.breaker.reset();
    await server.start();
    await waitFor(() => b.breaker.state === 'open', 'b opens from the counts sent on reconnect', 15_000);
    const keys = server.cli('--scan', '--pattern', `${namespace}:*`).split('\n').filter(Boolean);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(Number(server.cli('PTTL', key)), key).toBeGreaterThan(0);
  }, 30_000);

  it('CLIENT PAUSE: commands stall and time out, calls do not; state converges after', async () => {
    const { a, b } = pair(server.port);
    await connected(a.store, b.store);
    server.cli('CLIENT', 'PAUSE', '1000', 'ALL');
    await expect(a.breaker.call(ok)).resolves.toBe('ok');
    a.breaker.forceOpen();
    expect(a.breaker.state).toBe('forced_open');
    for (let i = 0; i < 3; i++) await b.breaker.call(fail).catch(() => {});
    expect(b.breaker.state).toBe('open');
    await waitFor(
      () =>
        a.breaker.state !== 'closed' && b.breaker.state !== 'closed' && a.breaker.state === b.breaker.state,
      'both instances agree after the pause',
      15_000,
    );
  }, 30_000);

  it('through a proxy adding latency and cutting connections: the open still reaches every instance', async () => {
    const proxy = new FaultyProxy(server.port);
    await proxy.listen();
    cleanup.push(() => proxy.close());
    proxy.latency = 30;
    const { a, b } = pair(proxy.port);
    await connected(a.store, b.store);
    const started = performance.now();
    await a.breaker.call(ok);
    expect(performance.now() - started).toBeLessThan(30); // the call never waits for a round trip
    a.breaker.open(20_000);
    await waitFor(() => b.breaker.state === 'open', 'b sees the open through the slow link');
    proxy.cut();
    // Manual control while the link is down applies locally only; once reconnected it reaches b.
    await waitFor(
      () => {
        if (b.breaker.state === 'forced_open') return true;
        a.breaker.reset();
        a.breaker.forceOpen();
        return false;
      },
      'a forced open that reaches b after the reconnect',
      15_000,
      250,
    );
  }, 30_000);

  it('Redis down while half-open: the breaker still recovers on its local rule', async () => {
    const { a, b } = pair(server.port, { failureThreshold: 1, resetTimeout: 300 });
    await connected(a.store, b.store);
    await a.breaker.call(fail).catch(() => {});
    await waitFor(() => b.breaker.state === 'open', 'b open');
    await server.stop();
    await waitFor(() => b.breaker.state === 'half_open', 'b half-open by its own clock');
    await waitFor(async () => {
      await b.breaker.call(ok).catch(() => {});
      return b.breaker.state === 'closed';
    }, 'b closes on a local trial while Redis is down');
    await server.start();
  }, 30_000);
});
