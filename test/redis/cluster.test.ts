import { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/index.js';
import { storeContract } from '../../src/store/contract/storeContract.js';
import { RedisCluster } from '../support/redisCluster.js';
import { redisFleet } from '../support/redisFleet.js';
import { describeRedis, waitFor } from '../support/redisServer.js';

describeRedis('RedisStore on a local 3-master Redis Cluster (ioredis Cluster)', () => {
  const cluster = new RedisCluster();
  const cleanup: Array<() => unknown> = [];
  beforeAll(() => cluster.start(), 60_000);
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(() => cluster.dispose());
  const client = () =>
    new Cluster(
      cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
      { lazyConnect: true },
    );

  it('breakers land on different masters (one slot each), and each is shared across instances', async () => {
    const h = redisFleet(client);
    cleanup.push(() => h.close());
    const names = ['payments', 'inventory', 'search', 'email', 'shipping', 'ledger'];
    const masters = new Set(names.map((name) => cluster.masterOf(`${h.namespace}:{${name}}:state`)));
    expect(masters.size).toBeGreaterThanOrEqual(2);
    const [one, two] = [h.instance(), h.instance()];
    const pairs = names.map((name) => [
      new CircuitBreaker({ name, store: one, failureThreshold: 2 }),
      new CircuitBreaker({ name, store: two, failureThreshold: 2 }),
    ]);
    cleanup.push(() => {
      for (const pair of pairs) for (const breaker of pair) breaker.dispose();
    });
    for (const [a] of pairs) {
      await a!.call(() => Promise.reject(new Error('x'))).catch(() => {});
      await a!.call(() => Promise.reject(new Error('x'))).catch(() => {});
    }
    await waitFor(
      () => pairs.every(([, b]) => b!.state === 'open'),
      'every breaker open on the other instance',
    );
    const statuses = await h.admin.list();
    expect(statuses.map((status) => status.name).sort()).toEqual([...names].sort());
    expect(statuses.every((status) => status.state === 'open' && status.instances === 2)).toBe(true);
  }, 30_000);

  storeContract('RedisStore on Redis Cluster', async ({ quorum = 1 }) => redisFleet(client, { quorum }));
});
