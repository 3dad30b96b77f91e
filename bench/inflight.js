// @ts-check
/**
 * 1000 calls in flight at once (all admitted before any settles), against F1 in flight (the same
 * observer on each of 1000 calls, awaited with `Promise.all`) and a bare `Promise.all` of 1000.
 */
import { observed, seen } from './lib/floors.js';
import { interleave, report, row } from './lib/measure.js';
import { breakwater, cockatielBreaker, ok, opossum } from './lib/peers.js';

const WIDTH = 1000;
const bw = breakwater();
const ck = cockatielBreaker();
const op = opossum(ok);
/** One array per variant, so that no two loops share one. @returns {Promise<unknown>[]} */
const slots = () => new Array(WIDTH);
const [bareBatch, f1Batch, bwBatch, ckBatch, opBatch] = [slots(), slots(), slots(), slots(), slots()];

const s = await interleave([
  {
    name: 'bare',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < WIDTH; j++) bareBatch[j] = ok();
        await Promise.all(bareBatch);
      }
    },
  },
  {
    name: 'F1',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < WIDTH; j++) f1Batch[j] = observed(ok);
        await Promise.all(f1Batch);
      }
    },
  },
  {
    name: 'breakwater',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < WIDTH; j++) bwBatch[j] = bw.call(ok);
        await Promise.all(bwBatch);
      }
    },
  },
  {
    name: 'cockatiel',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < WIDTH; j++) ckBatch[j] = ck.execute(ok);
        await Promise.all(ckBatch);
      }
    },
  },
  {
    name: 'opossum',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < WIDTH; j++) opBatch[j] = op.fire();
        await Promise.all(opBatch);
      }
    },
  },
]);
op.shutdown();
if (seen.succeeded === 0 || bw.metrics().inFlight !== 0) throw new Error('unexpected');

const bare = s.bare ?? [];
const f1 = s.F1 ?? [];
const extra = { unit: 'µs/1000', scale: 1000 };
const vsBare = { floor: bare, name: 'bare `Promise.all`' };
const scenario = '1000 calls in flight';
report('inflight', [
  row(scenario, 'bare `Promise.all` of 1000', bare, bare, 'bare', extra),
  row(scenario, 'F1 in flight', f1, bare, 'bare', extra),
  row(scenario, 'breakwater', s.breakwater ?? [], f1, 'F1', { ...extra, target: 1.25, also: vsBare }),
  row(scenario, 'cockatiel', s.cockatiel ?? [], f1, 'F1', { ...extra, also: vsBare }),
  row(scenario, 'opossum', s.opossum ?? [], f1, 'F1', { ...extra, also: vsBare }),
]);
