import { expect, it } from 'vitest';
import { CircuitBreakerRegistry } from './CircuitBreakerRegistry.js';

it('registered() is an array of the breakers registered by name, a snapshot that later changes leave alone', () => {
  const registry = new CircuitBreakerRegistry();
  registry.register('db', {});
  registry.getOrCreate('search');
  registry.keyed('tenants', {}).get('acme');
  const registered = registry.registered();
  expect(Array.isArray(registered)).toBe(true);
  expect(registered.map((breaker) => breaker.name)).toEqual(['db', 'search']);
  // Removing while walking it is safe: the array does not move under the loop.
  for (const breaker of registered) registry.remove(breaker.name);
  expect(registered).toHaveLength(2);
  expect(registry.registered()).toEqual([]);
});
