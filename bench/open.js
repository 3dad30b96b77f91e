// @ts-check
/** Open breaker: rejection through call() (vs a bare rejected await of a pre-built error), and the
 * synchronous checks tryAcquire() / isAvailable() (vs a bare await). */
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
const rejected = Promise.reject(ERROR);
rejected.catch(() => {});

const viaCall = await interleave([
  {
    name: 'floor',
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

let sink = 0;
const checks = await interleave([
  {
    name: 'floor',
    run: async (n) => {
      for (let i = 0; i < n; i++) sink += await ok();
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
op.shutdown();

const c = /** @type {Record<string, number[]>} */ (viaCall);
const k = /** @type {Record<string, number[]>} */ (checks);
const floorC = 'bare rejected `await` (pre-built error)';
const floorK = 'bare `await fn()`';
report('open', [
  row('open, via call()', 'floor', c.floor ?? [], c.floor ?? [], floorC),
  row('open, via call()', 'breakwater', c.breakwater ?? [], c.floor ?? [], floorC, { target: 1.5 }),
  row('open, via call()', 'cockatiel', c.cockatiel ?? [], c.floor ?? [], floorC),
  row('open, via call()', 'opossum', c.opossum ?? [], c.floor ?? [], floorC),
  row('open, sync check', 'floor', k.floor ?? [], k.floor ?? [], floorK),
  row('open, sync check', 'breakwater tryAcquire()', k.tryAcquire ?? [], k.floor ?? [], floorK, {
    target: 1,
  }),
  row('open, sync check', 'breakwater isAvailable()', k.isAvailable ?? [], k.floor ?? [], floorK, {
    target: 1,
  }),
]);
