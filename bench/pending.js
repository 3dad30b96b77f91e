// @ts-check
/**
 * Scenarios that other work will measure, reported as `pending` with their targets (DESIGN section 7)
 * so that the table shows the gap:
 *  - adaptive protection (adaptive limits, throttling, probes): when not configured, the hot path
 *    must cost what a plain breaker's does.
 * The Redis store's rows are measured by redis-hotpath.js, redis-propagation.js, redis-load.js and
 * redis-overshoot.js.
 */
import { pendingRow, report } from './lib/measure.js';

report('pending', [
  pendingRow(
    'adaptive / throttle / probe not configured: hot path vs plain',
    'x',
    'pending: adaptive protection not built yet; target <= 1.0x within noise',
    1.0,
  ),
]);
