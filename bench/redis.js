// @ts-check
/**
 * ==== PLACE RESERVED FOR THE REDIS-STORE SCENARIOS (shared-state issue) ====
 * To be filled when `breakwater/redis` lands:
 *  - hot path with a Redis store vs memory mode, interleaved (target <= 1.2x memory mode);
 *  - open propagation: open on one process, time until every other process refuses (p99, loopback;
 *    target <= 50 ms), with a redis-server started on a free port.
 * Until then it reports the scenarios as pending so the table shows the gap.
 */
import { report } from './lib/measure.js';

report('redis', [
  {
    scenario: 'Redis store: hot path vs memory mode',
    variant: 'breakwater',
    value: Number.NaN,
    unit: 'x',
    runs: 0,
    target: 1.2,
    note: 'pending: breakwater/redis not built yet',
  },
  {
    scenario: 'Redis store: open propagation p99',
    variant: 'breakwater',
    value: Number.NaN,
    unit: 'ms',
    runs: 0,
    target: 50,
    note: 'pending: breakwater/redis not built yet',
  },
]);
