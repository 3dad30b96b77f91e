import { describe, expect, it } from 'vitest';
import { main } from './broker.js';
import { requireService } from './support/services.js';

const available = await requireService('RabbitMQ', 5672);

describe.skipIf(!available)('examples/broker.ts', () => {
  it('publishes with confirms, then fails fast once the broker is gone', async () => {
    expect(await main()).toEqual({
      published: 5,
      received: 5,
      // failureThreshold 3: three failed publishes open the breaker, the last two are refused fast.
      failedAfterBrokerLoss: 3,
      rejectedFast: 2,
      state: 'open',
    });
  });
});
