// @ts-check
/**
 * Scenarios that other work will measure, reported as `pending` with their targets (DESIGN section 7)
 * so that the table shows the gap:
 *  - the Redis store (`breakwater/redis`): the hot path with a store against memory mode, interleaved;
 *    an open on one process seen by every other (p99 on loopback, a redis-server on a free port);
 *    the Redis load, commands per second per instance for 10, 100 and 1000 active breakers;
 *  - adaptive protection (adaptive limits, throttling, probes): when not configured, the hot path
 *    must cost what a plain breaker's does.
 */
import { pendingRow, report } from './lib/measure.js';

const redis = 'pending: breakwater/redis not built yet';
report('pending', [
  pendingRow('Redis store: hot path vs memory mode', 'x', redis, 1.1),
  pendingRow('Redis store: open propagation p99', 'ms', `${redis}; target < 10 ms`, 10),
  pendingRow(
    'Redis load: commands/s per instance at 10 / 100 / 1000 breakers',
    'commands/s',
    `${redis}; reported`,
  ),
  pendingRow(
    'adaptive / throttle / probe not configured: hot path vs plain',
    'x',
    'pending: adaptive protection not built yet; target <= 1.0x within noise',
    1.0,
  ),
]);
