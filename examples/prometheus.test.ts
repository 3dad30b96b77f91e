import { expect, it } from 'vitest';
import { parsePrometheusText } from '../test/support/prometheusText.js';
import { main } from './prometheus.js';

it('examples/prometheus.ts: serves the breakers on /metrics, a keyed group as one entry', async () => {
  const { contentType, text } = await main();
  expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  const s = parsePrometheusText(text);
  expect(s.value('circuit_breaker_state', { name: 'payments-api', state: 'open' })).toBe(1);
  expect(s.value('circuit_breaker_state', { name: 'inventory-db', state: 'closed' })).toBe(1);
  expect(s.value('circuit_breaker_calls_total', { name: 'payments-api', outcome: 'failure' })).toBe(3);
  expect(s.value('circuit_breaker_calls_total', { name: 'payments-api', outcome: 'rejected' })).toBe(2);
  expect(
    s.value('circuit_breaker_transitions_total', { name: 'payments-api', from: 'closed', to: 'open' }),
  ).toBe(1);
  expect(s.value('circuit_breaker_calls_total', { name: 'inventory-db', outcome: 'success' })).toBe(20);
  // Durations are sampled (1 call in 10 by default): 20 calls, 2 timed.
  expect(s.value('circuit_breaker_call_duration_seconds_count', { name: 'inventory-db' })).toBe(2);
  // Three hosts, one entry: the group's worst state and its breakers per state.
  expect(s.value('circuit_breaker_state', { name: 'upstream', state: 'open' })).toBe(1);
  expect(s.value('circuit_breaker_group_breakers', { name: 'upstream', state: 'closed' })).toBe(2);
  expect(s.value('circuit_breaker_group_breakers', { name: 'upstream', state: 'open' })).toBe(1);
  expect(
    s.select('circuit_breaker_state').some((sample) => sample.labels.name?.includes('example.com')),
  ).toBe(false);
  // prom-client's own metrics are served beside them.
  expect(s.types.get('process_cpu_user_seconds_total')).toBe('counter');
});
