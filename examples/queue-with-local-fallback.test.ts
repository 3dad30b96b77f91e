import { describe, expect, it } from 'vitest';
import { main } from './queue-with-local-fallback.js';
import { requireService } from './support/services.js';

const available = await requireService('RabbitMQ', 5672);

describe.skipIf(!available)('examples/queue-with-local-fallback.ts', () => {
  it('keeps messages locally while the broker is away and drains them when the breaker closes', async () => {
    const { destinations, drained, received, leftLocally, transitions } = await main();
    const kept = destinations.filter((where) => where === 'local').length;
    // The broker was away for the first orders: they were kept, none was lost.
    expect(destinations.slice(0, 4)).toEqual(['local', 'local', 'local', 'local']);
    expect(destinations.at(-1)).toBe('broker');
    expect(transitions).toEqual(['open', 'half_open', 'closed']);
    // Everything kept locally went to the broker once the breaker closed, exactly once.
    expect(drained).toBe(kept);
    expect(leftLocally).toBe(0);
    expect(received).toEqual(destinations.map((_, index) => index + 1));
  });
});
