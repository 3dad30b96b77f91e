// @ts-check
/** Open breaker, a rejection through `call()`, against a bare rejected `await` of a pre-built error. */
import { interleave, report, row } from './lib/measure.js';
import { breakwater, cockatiel, cockatielBreaker, ERROR, fail, ok, opossum } from './lib/peers.js';

const bw = breakwater();
bw.open(1e9);
const ck = cockatielBreaker(1);
try {
  await ck.execute(fail);
} catch {}
const op = opossum(ok);
op.open();
if (bw.state !== 'open' || ck.state !== cockatiel.CircuitState.Open || !op.opened)
  throw new Error('not open');

const s = await interleave([
  {
    name: 'bare',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        try {
          await Promise.reject(ERROR);
        } catch {}
      }
    },
  },
  {
    name: 'breakwater',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        try {
          await bw.call(ok);
        } catch {}
      }
    },
  },
  {
    name: 'cockatiel',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        try {
          await ck.execute(ok);
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
if (bw.state !== 'open' || bw.metrics().rejectedCalls === 0) throw new Error('breakwater refused nothing');
op.shutdown();

const bare = s.bare ?? [];
const floor = 'bare rejected';
const scenario = 'open, via call()';
report('open', [
  row(scenario, 'bare rejected `await` (pre-built error)', bare, bare, floor),
  row(scenario, 'breakwater', s.breakwater ?? [], bare, floor, { target: 1.2 }),
  row(scenario, 'cockatiel', s.cockatiel ?? [], bare, floor),
  row(scenario, 'opossum', s.opossum ?? [], bare, floor),
]);
