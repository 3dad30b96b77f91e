import { expect, it } from 'vitest';
import { main } from './concurrency-and-retry.js';

it('examples/concurrency-and-retry.ts: the limit learns about 1.5 times the workers, fast and slow; retry waits the Retry-After of a 503 within its budget', async () => {
  const outcome = await main();
  // 8 workers: 1.5 times no-load is about 12 calls at once, whatever the service time.
  expect(outcome.fast.noLoadMs).toBeGreaterThanOrEqual(25);
  expect(outcome.fast.noLoadMs).toBeLessThan(28);
  expect(outcome.fast.limit).toBeGreaterThanOrEqual(8);
  expect(outcome.fast.limit).toBeLessThanOrEqual(14);
  expect(outcome.lowest).toBeLessThanOrEqual(2);
  expect(outcome.slow.noLoadMs).toBeGreaterThanOrEqual(100);
  expect(outcome.slow.noLoadMs).toBeLessThan(110);
  expect(outcome.slow.limit).toBeGreaterThanOrEqual(8);
  expect(outcome.slow.limit).toBeLessThanOrEqual(14);
  expect(outcome.status).toBe(200);
  expect(outcome.delays).toEqual([1000]);
  expect(outcome.budget).toEqual({ calls: 1, retries: 1, refused: 0 });
}, 20_000);
