// @ts-check
/**
 * opossum's failure cost against what its window holds. Its window is time-based (10 s), so each
 * batch builds a fresh breaker, fills it with 100 or 100,000 successes (untimed) and times the
 * failures that follow. In its own process: opossum's 100,000-entry windows load the garbage
 * collector, which would blur breakwater's figures. The floor is timed in the same chunks.
 */
import { cpuNow, interleave, report, row } from './lib/measure.js';
import { fail, ok, opossum } from './lib/peers.js';

const SMALL = 100;
const LARGE = 100_000;
/** @param {boolean} [failing] */
const action = (failing) => (failing ? fail() : ok());

const s = await interleave(
  [
    {
      name: 'floor',
      run: async (n) => {
        for (let i = 0; i < SMALL; i++) await ok();
        const start = cpuNow();
        for (let i = 0; i < n; i++) {
          try {
            await fail();
          } catch {}
        }
        return cpuNow() - start;
      },
    },
    {
      name: 'small',
      run: async (n) => {
        const op = opossum(action, { errorThresholdPercentage: 100 });
        for (let i = 0; i < SMALL; i++) await op.fire(false);
        const start = cpuNow();
        for (let i = 0; i < n; i++) {
          try {
            await op.fire(true);
          } catch {}
        }
        const ns = cpuNow() - start;
        op.shutdown();
        return ns;
      },
    },
    {
      name: 'large',
      run: async (n) => {
        const op = opossum(action, { errorThresholdPercentage: 100 });
        for (let i = 0; i < LARGE; i++) await op.fire(false);
        const start = cpuNow();
        for (let i = 0; i < n; i++) {
          try {
            await op.fire(true);
          } catch {}
        }
        const ns = cpuNow() - start;
        op.shutdown();
        return ns;
      },
    },
  ],
  { batchMs: 20 },
);

const floor = s.floor ?? [];
const name = 'bare rejected';
const fresh = 'a fresh breaker per batch';
report('window-opossum', [
  row('failure, 100 in the window', 'opossum', s.small ?? [], floor, name, { note: fresh }),
  row('failure, 100,000 in the window', 'opossum', s.large ?? [], floor, name, { note: fresh }),
  row('failure flat: 100,000 in the window vs 100', 'opossum', s.large ?? [], s.small ?? [], '100 in window'),
]);
