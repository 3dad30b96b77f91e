import { afterAll, beforeAll } from 'vitest';
import { storeContract } from '../../src/store/contract/storeContract.js';
import { redisFleet } from '../support/redisFleet.js';
import { describeRedis, RedisServer } from '../support/redisServer.js';

describeRedis('RedisStore against a real Redis (ioredis)', () => {
  const server = new RedisServer();
  beforeAll(() => server.start(), 20_000);
  afterAll(() => server.dispose());
  storeContract('RedisStore', async ({ quorum = 1 }) => redisFleet(server.port, { quorum }));
});
