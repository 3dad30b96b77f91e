import { afterAll, beforeAll, expect, it } from 'vitest';
import { parsePrometheusText } from '../test/support/prometheusText.js';
import { describeRedis, RedisServer } from '../test/support/redisServer.js';
import { main } from './opossum.js';

describeRedis('examples/opossum.ts', () => {
  const server = new RedisServer();
  beforeAll(() => server.start(), 30_000);
  afterAll(() => server.dispose());

  it('an unmodified opossum program shares its breaker through Redis and is exported to Prometheus', async () => {
    const outcome = await main(server.url);
    expect(outcome).toMatchObject({
      openedOnA: true,
      openOnB: true,
      servedByB: -1,
      callsOnB: 0,
      eventsOnB: ['open', 'reject', 'fallback'], // B heard the fleet open
      statsOnA: { fires: 4, failures: 4 },
    });
    const scraped = parsePrometheusText(outcome.metrics);
    expect(scraped.value('circuit_breaker_state', { name: 'price-service', state: 'open' })).toBe(1);
    expect(scraped.value('circuit_breaker_calls_total', { name: 'price-service', outcome: 'failure' })).toBe(
      4,
    );
    expect(scraped.value('circuit_breaker_fallbacks_total', { name: 'price-service' })).toBe(4);
  });
});
