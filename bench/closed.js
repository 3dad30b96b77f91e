// @ts-check
/** Closed breaker, fast path: a successful call and a failing call, against bare awaits. */
import { interleave, report, row } from './lib/measure.js';
import { breakwater, cockatiel, cockatielBreaker, fail, ok, opossum } from './lib/peers.js';

const bw = breakwater();
const bwFail = breakwater({ failureThreshold: false });
const ck = cockatielBreaker();
const ckFail = cockatielBreaker(Number.MAX_SAFE_INTEGER);
const op = opossum(ok);
// errorThresholdPercentage 100: opossum trips only above the threshold, so it stays closed.
const opFail = opossum(fail, { errorThresholdPercentage: 100 });

const success = await interleave([
  {
    name: 'floor',
    run: async (n) => {
      for (let i = 0; i < n; i++) await ok();
    },
  },
  {
    name: 'breakwater',
    run: async (n) => {
      for (let i = 0; i < n; i++) await bw.call(ok);
    },
  },
  {
    name: 'cockatiel',
    run: async (n) => {
      for (let i = 0; i < n; i++) await ck.execute(ok);
    },
  },
  {
    name: 'opossum',
    run: async (n) => {
      for (let i = 0; i < n; i++) await op.fire();
    },
  },
]);

const failure = await interleave([
  {
    name: 'floor',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        try {
          await fail();
        } catch {}
      }
    },
  },
  {
    name: 'breakwater',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        try {
          await bwFail.call(fail);
        } catch {}
      }
    },
  },
  {
    name: 'cockatiel',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        try {
          await ckFail.execute(fail);
        } catch {}
      }
    },
  },
  {
    name: 'opossum',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        try {
          await opFail.fire();
        } catch {}
      }
    },
  },
]);
if (bwFail.state !== 'closed' || ckFail.state !== cockatiel.CircuitState.Closed || !opFail.closed)
  throw new Error('a breaker tripped');
op.shutdown();
opFail.shutdown();

const s = /** @type {Record<string, number[]>} */ (success);
const f = /** @type {Record<string, number[]>} */ (failure);
const floorS = 'bare `await fn()`';
const floorF = 'bare rejected `await`';
report('closed', [
  row('closed, success', 'floor', s.floor ?? [], s.floor ?? [], floorS),
  row('closed, success', 'breakwater', s.breakwater ?? [], s.floor ?? [], floorS, { target: 1.5 }),
  row('closed, success', 'cockatiel', s.cockatiel ?? [], s.floor ?? [], floorS),
  row('closed, success', 'opossum', s.opossum ?? [], s.floor ?? [], floorS),
  row('closed, failure', 'floor', f.floor ?? [], f.floor ?? [], floorF),
  row('closed, failure', 'breakwater', f.breakwater ?? [], f.floor ?? [], floorF, { target: 1.5 }),
  row('closed, failure', 'cockatiel', f.cockatiel ?? [], f.floor ?? [], floorF),
  row('closed, failure', 'opossum', f.opossum ?? [], f.floor ?? [], floorF),
]);
