import { expect, it } from 'vitest';
import { main } from './http-client.js';

it('examples/http-client.ts: times out, serves the cached rate, fails fast while open, recovers', async () => {
  const outcome = await main();
  const { sources } = outcome;
  expect(sources.slice(0, 6)).toEqual(['api', 'api', 'api', 'cache', 'cache', 'cache']); // 3 timeouts
  // Open: the cached rate, without calling the API, until a trial succeeds and closes the breaker.
  const whileOpen = sources.slice(6, -2);
  expect(whileOpen.length).toBeGreaterThanOrEqual(2);
  expect(whileOpen.every((source) => source === 'cache')).toBe(true);
  expect(sources.slice(-2)).toEqual(['api', 'api']);
  // 3 + 3 calls, the trial and the last call reached the API; none made while open did.
  expect(outcome.apiHits).toBe(8);
  expect(outcome.timeouts).toBe(3);
  expect(outcome.finalState).toBe('closed');
});
