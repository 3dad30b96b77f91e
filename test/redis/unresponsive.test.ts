import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { Member, type MemberStats } from '../../bench/chaos/Member.js';
import { CircuitBreaker, type CircuitBreakerOptions } from '../../src/index.js';
import { RedisStore, type RedisStoreOptions } from '../../src/redis/index.js';
import { FaultyProxy } from '../support/FaultyProxy.js';
import { describeRedis, RedisServer, waitFor } from '../support/redisServer.js';

const ok = async () => 'ok';
const fail = () => Promise.reject(new Error('down'));
let namespaces = 0;

// Redis that stops answering while its TCP connection stays up (DESIGN section 11): detected within
// `commandTimeout` and treated as a lost connection, and `close()` bounded whatever Redis does.
describeRedis('RedisStore when Redis stops answering with the connection up', () => {
  const server = new RedisServer();
  const cleanup: Array<() => unknown> = [];
  beforeAll(() => server.start(), 20_000);
  afterEach(async () => {
    server.thaw();
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(() => server.dispose());

  /** Instances of breaker `dep`, each with its own client and store, on `port` (Redis or a proxy). */
  function fleet(
    port: number,
    options: CircuitBreakerOptions = {},
    storeOptions: Partial<RedisStoreOptions> = {},
    library: 'ioredis' | 'node-redis' = 'ioredis',
  ) {
    const namespace = `unresponsive-${++namespaces}`;
    const errors: unknown[] = [];
    const make = (id: string) => {
      const client =
        library === 'ioredis'
          ? new Redis({ port, host: '127.0.0.1', lazyConnect: true })
          : createClient({ url: `redis://127.0.0.1:${port}` }).on('error', () => {});
      const store = new RedisStore({
        client,
        namespace,
        flushInterval: 50,
        syncInterval: 500,
        commandTimeout: 300,
        instanceId: id,
        ...storeOptions,
      });
      const breaker = new CircuitBreaker({ failureThreshold: 1, ...options, name: 'dep', store });
      breaker.on('storeError', ({ error }) => errors.push(error));
      cleanup.push(async () => {
        breaker.dispose();
        await store.close();
        if (client instanceof Redis) client.disconnect();
      });
      return { store, breaker };
    };
    return { make, errors, namespace };
  }

  async function connected(...stores: RedisStore[]) {
    await waitFor(async () => {
      await Promise.all(stores.map((store) => store.flush()));
      return stores.every((store) => store.stats().reports > 0);
    }, 'connected stores');
  }

  it('a half-open breaker admits its own trials every second of a 10 s freeze (SIGSTOP) and closes; the fleet takes its decision after', async () => {
    const f = fleet(server.port, { resetTimeout: 200 });
    const a = f.make('a');
    const b = f.make('b');
    await connected(a.store, b.store);
    await a.breaker.call(fail).catch(() => {});
    await waitFor(() => b.breaker.state === 'open', 'b follows the fleet open');
    server.freeze();
    // The dependency is healthy: calls every 10 ms, counted per second of the freeze.
    const admitted = Array.from({ length: 10 }, () => 0);
    const started = performance.now();
    let second = 0;
    while ((second = Math.floor((performance.now() - started) / 1000)) < 10) {
      await b.breaker
        .call(async () => {
          admitted[second]!++;
          return 'ok';
        })
        .catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const stateDuringFreeze = b.breaker.state;
    server.thaw();
    expect(
      admitted.every((count) => count > 0),
      `admitted per second: ${admitted.join(', ')}`,
    ).toBe(true);
    expect(stateDuringFreeze).toBe('closed');
    expect(b.store.stats().replaced).toBeGreaterThan(0); // the frozen connection was given up
    // Once Redis answers, the decision b made on its own reaches the fleet (fenced by its epoch).
    await waitFor(
      async () => (await a.store.list().catch(() => []))[0]?.state === 'closed',
      'the fleet closed',
    );
    await waitFor(() => a.breaker.state === 'closed', 'a follows');
  }, 30_000);

  it('a trip whose period ended before Redis answered again opens nothing', async () => {
    // a trips on its own rate rule; the fleet's window (b's 100 successes) holds no rule, so only
    // a's decision could open the fleet, and it comes too late to.
    const f = fleet(server.port, {
      failureThreshold: false,
      failureRateThreshold: 0.5,
      minimumCalls: 4,
      resetTimeout: 600,
    });
    const a = f.make('a');
    const b = f.make('b');
    await connected(a.store, b.store);
    for (let i = 0; i < 100; i++) await b.breaker.call(ok);
    await b.store.flush();
    server.freeze();
    for (let i = 0; i < 4; i++) await a.breaker.call(fail).catch(() => {});
    expect(a.breaker.state).toBe('open');
    await waitFor(() => a.breaker.state === 'half_open', 'a’s own period ends during the freeze');
    await new Promise((resolve) => setTimeout(resolve, 500)); // the rest of the fault
    server.thaw();
    await waitFor(async () => (await a.store.list().catch(() => undefined)) !== undefined, 'Redis answers');
    await Promise.all([a.store.flush(), b.store.flush()]); // a's decision was sent (and found late)
    const [status] = await a.store.list();
    expect(status).toMatchObject({ state: 'closed', failures: 4 });
    expect(b.breaker.state).toBe('closed');
  }, 30_000);

  it('with a node-redis client (whose own timeout ends once a command is written): a half-open breaker admits its own trials during a freeze, and the fleet works after it', async () => {
    const f = fleet(server.port, { resetTimeout: 200 }, {}, 'node-redis');
    const a = f.make('a');
    const b = f.make('b');
    await connected(a.store, b.store);
    await a.breaker.call(fail).catch(() => {});
    await waitFor(() => b.breaker.state === 'open', 'b follows the fleet open');
    server.freeze();
    let admitted = 0;
    await waitFor(
      async () => {
        await b.breaker.call(async () => admitted++).catch(() => {});
        return b.breaker.state === 'closed';
      },
      'b closes on its own trials while Redis is frozen',
      10_000,
    );
    expect(admitted).toBeGreaterThan(0);
    expect(b.store.stats().replaced).toBeGreaterThan(0);
    server.thaw();
    await waitFor(
      async () => (await a.store.list().catch(() => []))[0]?.state === 'closed',
      'the fleet closed',
    );
    a.breaker.forceOpen();
    await waitFor(() => b.breaker.state === 'forced_open', 'b follows a manual control');
  }, 30_000);

  it('a trip made while Redis was frozen opens the fleet once it answers, for what is left of its period', async () => {
    const f = fleet(server.port, { resetTimeout: 4_000 });
    const a = f.make('a');
    const b = f.make('b');
    await connected(a.store, b.store);
    server.freeze();
    await a.breaker.call(fail).catch(() => {}); // a trips on its own: the fleet cannot hear it yet
    const trippedAt = Date.now();
    expect(a.breaker.state).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the fault's duration
    server.thaw();
    await waitFor(() => b.breaker.state === 'open', 'b follows the trip a made during the freeze');
    // The fleet's open ends when a's does, not a whole resetTimeout after Redis answered again.
    expect(b.breaker.metrics().retryAt! - trippedAt).toBeLessThan(4_000 + 500);
  }, 30_000);

  it('CLIENT PAUSE: a half-open breaker admits its own trials and closes while Redis is paused', async () => {
    const f = fleet(server.port, { resetTimeout: 200 });
    const a = f.make('a');
    const b = f.make('b');
    await connected(a.store, b.store);
    await a.breaker.call(fail).catch(() => {});
    await waitFor(() => b.breaker.state === 'open', 'b follows the fleet open');
    server.cli('CLIENT', 'PAUSE', '4000', 'ALL');
    const started = performance.now();
    let admitted = 0;
    await waitFor(
      async () => {
        await b.breaker.call(async () => admitted++).catch(() => {});
        return b.breaker.state === 'closed';
      },
      'b closes on its own trials while Redis is paused',
      10_000,
    );
    const closedAfter = performance.now() - started;
    expect(admitted).toBeGreaterThan(0);
    expect(closedAfter).toBeLessThan(3_500); // within the pause (4 s): not after Redis answered again
  }, 30_000);

  it('a subscriber that drops (CLIENT KILL TYPE pubsub) does not make the store unreachable: manual control still reaches the fleet', async () => {
    const f = fleet(server.port, { failureThreshold: 3 });
    const a = f.make('a');
    const b = f.make('b');
    await connected(a.store, b.store);
    const told: string[] = [];
    a.breaker.on('storeError', ({ error }) => told.push(String(error)));
    server.cli('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await waitFor(() => told.length > 0, 'a hears its subscriber dropped');
    a.breaker.forceOpen(); // at once, while the subscriber is still away
    await waitFor(() => b.breaker.state === 'forced_open', 'b follows the manual control');
    expect(told.filter((text) => text.includes('applies to this instance only'))).toEqual([]);
  });

  for (const mode of ['discard', 'discard-replies'] as const) {
    it(`after a proxy ${mode === 'discard' ? 'discarded bytes' : 'discarded replies (out of step)'} for 4 s, list() and manual control work again once it passes bytes`, async () => {
      const proxy = new FaultyProxy(server.port);
      await proxy.listen();
      cleanup.push(() => proxy.close());
      const f = fleet(proxy.port, { failureThreshold: 3 });
      const a = f.make('a');
      const b = f.make('b');
      await connected(a.store, b.store);
      proxy.mode = mode;
      await a.breaker.call(ok); // traffic while the link drops bytes
      await expect(a.store.list()).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 4_000)); // the fault's duration, not a state change
      proxy.mode = 'pass';
      await waitFor(
        async () => (await a.store.list().catch(() => undefined))?.[0]?.name === 'dep',
        'list() answers again',
        10_000,
      );
      await a.store.control('dep', 'force_open');
      await waitFor(() => b.breaker.state === 'forced_open', 'b follows the manual control', 10_000);
      a.breaker.reset();
      await waitFor(() => b.breaker.state === 'closed', 'and the reset from a breaker', 10_000);
    }, 30_000);
  }

  it('a subscriber stuck in its handshake is replaced: transitions reach the other instance by message again', async () => {
    const proxy = new FaultyProxy(server.port);
    await proxy.listen();
    cleanup.push(() => proxy.close());
    // No reconcile within the test: b can learn of a's open only through its subscriber.
    const f = fleet(proxy.port, { failureThreshold: 3 }, { reconcileInterval: 120_000 });
    const a = f.make('a');
    const b = f.make('b');
    await connected(a.store, b.store);
    proxy.mode = 'discard';
    proxy.cut(); // every connection reconnects into the black hole: handshakes are never answered
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // the fault's duration
    proxy.mode = 'pass';
    await waitFor(async () => (await a.store.list().catch(() => undefined)) !== undefined, 'a reconnected');
    await waitFor(async () => (await b.store.list().catch(() => undefined)) !== undefined, 'b reconnected');
    // The subscriber's reconnection needs its own deadline too; then a's decisions reach b, which
    // sends nothing meanwhile (idle, closed, no reconcile due): only its subscriber can tell it.
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const follows = async (state: string) => {
      for (const deadline = performance.now() + 1_000; performance.now() < deadline; await sleep(20))
        if (b.breaker.state === state) return true;
      return false;
    };
    await waitFor(
      async () => {
        a.breaker.open(60_000);
        if (await follows('open')) return true;
        a.breaker.reset();
        await sleep(200);
        return false;
      },
      'b hears a’s open',
      15_000,
      100,
    );
    a.breaker.forceOpen();
    expect(await follows('forced_open')).toBe(true);
    a.breaker.reset();
    expect(await follows('closed')).toBe(true);
  }, 40_000);

  const closings = [
    ['frozen', 3_000],
    ['frozen', 0],
    ['paused', 3_000],
    ['gone', 3_000],
  ] as const;
  for (const [fault, wait] of closings) {
    it(`close() resolves within commandTimeout whatever Redis does (${fault}, closed ${wait} ms into it), and nothing keeps the process alive after`, async () => {
      const commandTimeout = 500;
      const member = new Member({
        id: `close-${fault}-${wait}`,
        port: server.port,
        namespace: `close-${++namespaces}`,
        store: { flushInterval: 50, syncInterval: 500, commandTimeout },
        breaker: { failureThreshold: 3 },
      });
      cleanup.push(() => member.kill());
      await member.ready();
      member.send({ cmd: 'run', interval: 5 });
      await waitFor(
        async () => (await member.ask<MemberStats>({ cmd: 'stats' }, 'stats')).store.reports > 0,
        'the member reports',
      );
      // The dependency fails: the breaker trips and, not closed, asks for a flush every tick. 3 s into
      // the fault is 60 ticks; each used to chain one more flush waiting out commandTimeout. Closed at
      // once, the final flush goes out on a connection not yet known to be frozen.
      await member.ask({ cmd: 'dep', healthy: false }, 'dep');
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (fault === 'frozen') server.freeze();
      else if (fault === 'paused') server.cli('CLIENT', 'PAUSE', '8000', 'ALL');
      else await server.stop();
      await new Promise((resolve) => setTimeout(resolve, wait));
      const closed = await member.ask<MemberStats>({ cmd: 'close' }, 'closed');
      const exitedAt = performance.now();
      await member.exited();
      const exitMs = performance.now() - exitedAt;
      server.thaw();
      if (fault === 'gone') await server.start();
      // (A pause ends by itself; the next test waits for Redis to answer.)
      await waitFor(() => server.cli('PING') === 'PONG', 'Redis answers', 15_000, 200);
      expect(closed.ms!).toBeLessThan(commandTimeout + 1_500);
      expect(exitMs).toBeLessThan(5_000); // exits on its own: no timer or socket of the store is left
      expect(member.all('fatal')).toEqual([]);
    }, 40_000);
  }

  it('a window whose buckets are shorter than syncInterval is shared: success-only counts sync every bucket', async () => {
    // Default syncInterval (2 s) and a 1 s window of 2 buckets. a only succeeds (about 170 calls a
    // second); b and c each fail 3 calls in 5 at about 14 a second: too few for minimumCalls on their
    // own, enough together. With a's successes in the window the fleet's failure rate stays near 0.3
    // at most; sent every 2 s they would age out of the window in between, and b's and c's failures
    // alone (0.6) would trip a rule that does not hold.
    const f = fleet(
      server.port,
      {
        failureThreshold: false,
        failureRateThreshold: 0.5,
        minimumCalls: 20,
        window: { type: 'time', duration: 1_000, buckets: 2 },
      },
      { syncInterval: 2_000, flushInterval: 100 }, // syncInterval's default
    );
    const a = f.make('a');
    const b = f.make('b');
    const c = f.make('c');
    await connected(a.store, b.store, c.store);
    expect(f.errors).toEqual([]); // no refusal at construction
    const opened: string[] = [];
    for (const [id, member] of Object.entries({ a, b, c }))
      member.breaker.on('open', ({ reason }) => opened.push(`${id}:${reason}`));
    const started = performance.now();
    let tick = 0;
    let failing = 0;
    while (performance.now() - started < 5_000) {
      tick++;
      await a.breaker.call(ok).catch(() => {});
      await a.breaker.call(ok).catch(() => {});
      const other = tick % 6 === 0 ? b : tick % 6 === 3 ? c : undefined;
      if (other !== undefined) await other.breaker.call(failing++ % 5 < 3 ? fail : ok).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const [status] = await a.store.list();
    expect(opened).toEqual([]);
    expect(status?.state).toBe('closed');
    expect(status?.windowCalls).toBeGreaterThan(20);
  }, 30_000);

  it('buckets that left the window are deleted from Redis however long the breaker was quiet', async () => {
    const f = fleet(
      server.port,
      {
        failureThreshold: false,
        failureRateThreshold: 0.9,
        window: { type: 'time', duration: 1_000, buckets: 10 },
      },
      {},
    );
    const a = f.make('a');
    await connected(a.store);
    for (let i = 0; i < 50; i++) {
      await a.breaker.call(ok);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await a.store.flush();
    const key = `${f.namespace}:{dep}:window`;
    expect(Number(server.cli('HLEN', key))).toBeGreaterThan(3);
    // Quiet now: the next reports (resyncs) come after the window has moved on by more than 3 buckets.
    await waitFor(
      async () => {
        await a.store.flush();
        return Number(server.cli('HLEN', key)) === 0;
      },
      'an empty window hash',
      10_000,
      300,
    );
  }, 30_000);

  it('a breaker created on a closed store works locally and says so once a listener can hear it', async () => {
    const client = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    const store = new RedisStore({ client, namespace: `closed-${++namespaces}` });
    await store.close();
    client.disconnect();
    const breaker = new CircuitBreaker({ name: 'late', store, failureThreshold: 1 });
    const errors: unknown[] = [];
    breaker.on('storeError', ({ error }) => errors.push(error));
    cleanup.push(() => breaker.dispose());
    await Promise.resolve();
    expect(String(errors[0])).toContain("was closed before breaker 'late' was created");
    await breaker.call(fail).catch(() => {});
    expect(breaker.state).toBe('open');
  });
});
