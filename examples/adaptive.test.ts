import { expect, it } from 'vitest';
import { main } from './adaptive.js';

it('examples/adaptive.ts: a learned threshold opens where a fixed one would not, the throttle sheds the excess, a probe closes a quiet breaker', async () => {
  const outcome = await main();
  expect(outcome.learnedRate).toBeGreaterThan(0.06);
  expect(outcome.learnedRate).toBeLessThan(0.1);
  expect(outcome.adaptiveState).toBe('open');
  expect(outcome.fixedState).toBe('closed');
  expect(outcome.throttledShare).toBeGreaterThan(0.3);
  expect(outcome.throttledShare).toBeLessThan(0.5);
  expect(outcome.probedState).toBe('closed');
});
