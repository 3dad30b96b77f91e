// @ts-check
/**
 * Closed breaker, fast path, a failing call (a pre-built error, so nobody pays for a stack trace it
 * did not make) against a bare rejected `await fail()`. No breaker trips: breakwater's and cockatiel's
 * consecutive rules are set beyond reach, opossum's percentage to 100 (it trips only above it).
 */
import { observed, seen } from './lib/floors.js';
import { interleave, report, row } from './lib/measure.js';
import { breakwater, cockatiel, cockatielBreaker, fail, opossum } from './lib/peers.js';

const bw = breakwater({ failureThreshold: Number.MAX_SAFE_INTEGER });
const ck = cockatielBreaker(Number.MAX_SAFE_INTEGER);
const op = opossum(fail, { errorThresholdPercentage: 100 });

const s = await interleave([
  {
    name: 'bare',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        try {
          await fail();
        } catch {}
      }
    },
  },
  {
    name: 'F1',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        try {
          await observed(fail);
        } catch {}
      }
    },
  },
  {
    name: 'breakwater',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        try {
          await bw.call(fail);
        } catch {}
      }
    },
  },
  {
    name: 'cockatiel',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        try {
          await ck.execute(fail);
        } catch {}
      }
    },
  },
  {
    name: 'opossum',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        try {
          await op.fire();
        } catch {}
      }
    },
  },
]);
if (bw.state !== 'closed' || ck.state !== cockatiel.CircuitState.Closed || !op.closed)
  throw new Error('a breaker tripped');
if (seen.failed === 0) throw new Error('F1 saw no failure');
op.shutdown();

const bare = s.bare ?? [];
const floor = 'bare rejected';
const scenario = 'closed, failure';
report('failure', [
  row(scenario, 'bare rejected `await fail()`', bare, bare, floor),
  row(scenario, 'F1 (failure)', s.F1 ?? [], bare, floor),
  row(scenario, 'breakwater', s.breakwater ?? [], bare, floor, { target: 1.2 }),
  row(scenario, 'cockatiel', s.cockatiel ?? [], bare, floor),
  row(scenario, 'opossum', s.opossum ?? [], bare, floor, { note: 'grows with the calls in its 10 s window' }),
]);
