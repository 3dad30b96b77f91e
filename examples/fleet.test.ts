import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRedis, RedisServer } from '../test/support/redisServer.js';
import { main } from './fleet.js';

describeRedis('examples/fleet.ts', () => {
  const server = new RedisServer();
  beforeAll(() => server.start(), 30_000);
  afterAll(() => server.dispose());

  it('an open on one instance is seen by the other, which fails fast; a reset on one closes both', async () => {
    await expect(main(server.url)).resolves.toEqual({
      seenByB: 'open',
      bFailedFast: true,
      afterReset: 'closed',
      instances: 2,
    });
  });
});
