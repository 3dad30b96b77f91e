// @ts-check
/**
 * Open breaker, the synchronous checks `tryAcquire()` and `isAvailable()`, against C1 (one clock read
 * and a comparison with a deadline: the least an exact check can do, since an open period ends by
 * time, not by a timer). A bare `await` is shown for scale.
 */
import { stillOpen } from './lib/floors.js';
import { interleave, report, row } from './lib/measure.js';
import { breakwater, ok } from './lib/peers.js';

const bw = breakwater();
bw.open(1e9);
const period = { until: performance.now() + 1e9 };
let sink = 0;

const s = await interleave([
  {
    name: 'bare',
    run: async (n) => {
      for (let i = 0; i < n; i++) sink += await ok();
    },
  },
  {
    name: 'C1',
    run: (n) => {
      for (let i = 0; i < n; i++) if (stillOpen(period)) sink++;
    },
  },
  {
    name: 'tryAcquire',
    run: (n) => {
      for (let i = 0; i < n; i++) if (bw.tryAcquire() === undefined) sink++;
    },
  },
  {
    name: 'isAvailable',
    run: (n) => {
      for (let i = 0; i < n; i++) if (!bw.isAvailable()) sink++;
    },
  },
]);
if (sink === 0 || bw.state !== 'open') throw new Error('unexpected');

const c1 = s.C1 ?? [];
const scenario = 'open, sync check';
report('checks', [
  row(scenario, 'C1 floor', c1, c1, 'C1', { also: { floor: s.bare ?? [], name: 'bare `await`' } }),
  row(scenario, 'breakwater tryAcquire()', s.tryAcquire ?? [], c1, 'C1', { target: 1.2 }),
  row(scenario, 'breakwater isAvailable()', s.isAvailable ?? [], c1, 'C1', { target: 1.2 }),
]);
