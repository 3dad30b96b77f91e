// @ts-check
/**
 * Failure cost against what the window holds: a count window of 100 calls and one of 100,000, each
 * kept full. Every batch times failures in chunks of 50 and refills with as many successes (untimed),
 * so the window never holds more than half failures and the rate rule (threshold 1) never trips. The
 * floor is timed the same way: chunks of bare rejected awaits, each followed by an untimed refill.
 * "Flat" is the per-round ratio of the 100,000 breaker to the 100 one.
 */
import { cpuNow, interleave, report, row } from './lib/measure.js';
import { breakwater, fail, ok } from './lib/peers.js';

const CHUNK = 50;
const SMALL = 100;
const LARGE = 100_000;

/** @param {number} size */
async function filled(size) {
  const bw = breakwater({
    failureThreshold: false,
    failureRateThreshold: 1,
    minimumCalls: size,
    window: { type: 'count', size },
  });
  for (let i = 0; i < size; i++) await bw.call(ok);
  return bw;
}
const small = await filled(SMALL);
const large = await filled(LARGE);

const s = await interleave([
  {
    name: 'floor',
    run: async (n) => {
      let ns = 0;
      for (let done = 0; done < n; done += CHUNK) {
        const start = cpuNow();
        for (let i = 0; i < CHUNK; i++) {
          try {
            await fail();
          } catch {}
        }
        ns += cpuNow() - start;
        for (let i = 0; i < CHUNK; i++) await ok();
      }
      return ns;
    },
  },
  {
    name: 'small',
    run: async (n) => {
      let ns = 0;
      for (let done = 0; done < n; done += CHUNK) {
        const start = cpuNow();
        for (let i = 0; i < CHUNK; i++) {
          try {
            await small.call(fail);
          } catch {}
        }
        ns += cpuNow() - start;
        for (let i = 0; i < CHUNK; i++) await small.call(ok);
      }
      return ns;
    },
  },
  {
    name: 'large',
    run: async (n) => {
      let ns = 0;
      for (let done = 0; done < n; done += CHUNK) {
        const start = cpuNow();
        for (let i = 0; i < CHUNK; i++) {
          try {
            await large.call(fail);
          } catch {}
        }
        ns += cpuNow() - start;
        for (let i = 0; i < CHUNK; i++) await large.call(ok);
      }
      return ns;
    },
  },
]);
for (const [bw, size] of /** @type {const} */ ([
  [small, SMALL],
  [large, LARGE],
]))
  if (bw.state !== 'closed' || bw.metrics().windowCalls !== size)
    throw new Error(`window of ${size} not full`);

const floor = s.floor ?? [];
const name = 'bare rejected';
const each = 'timed in chunks of 50, refilled with successes';
report('window', [
  row('failure, 100 in the window', 'bare rejected `await fail()`', floor, floor, name, { note: each }),
  row('failure, 100 in the window', 'breakwater', s.small ?? [], floor, name),
  row('failure, 100,000 in the window', 'breakwater', s.large ?? [], floor, name),
  row(
    'failure flat: 100,000 in the window vs 100',
    'breakwater',
    s.large ?? [],
    s.small ?? [],
    '100 in window',
    {
      target: 1.1,
    },
  ),
]);
