// @ts-check
/** 1000 calls in flight at once (all admitted before any settles), against a bare Promise.all. */
import { interleave, report, row } from './lib/measure.js';
import { breakwater, cockatielBreaker, ok, opossum } from './lib/peers.js';

const WIDTH = 1000;
const bw = breakwater();
const ck = cockatielBreaker();
const op = opossum(ok);
/** @type {Promise<unknown>[]} */
const batch = new Array(WIDTH);

const samples = await interleave(
  [
    {
      name: 'floor',
      run: async (n) => {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < WIDTH; j++) batch[j] = ok();
          await Promise.all(batch);
        }
      },
    },
    {
      name: 'breakwater',
      run: async (n) => {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < WIDTH; j++) batch[j] = bw.call(ok);
          await Promise.all(batch);
        }
      },
    },
    {
      name: 'cockatiel',
      run: async (n) => {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < WIDTH; j++) batch[j] = ck.execute(ok);
          await Promise.all(batch);
        }
      },
    },
    {
      name: 'opossum',
      run: async (n) => {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < WIDTH; j++) batch[j] = op.fire();
          await Promise.all(batch);
        }
      },
    },
  ],
  { batchMs: 40 },
);
op.shutdown();

const s = /** @type {Record<string, number[]>} */ (samples);
const floor = 'bare `Promise.all` of 1000';
const perBatch = { unit: 'µs/1000' };
/** @param {number[]} xs */
const us = (xs) => xs.map((x) => x / 1000);
report('inflight', [
  row('1000 calls in flight', 'floor', us(s.floor ?? []), us(s.floor ?? []), floor, perBatch),
  row('1000 calls in flight', 'breakwater', us(s.breakwater ?? []), us(s.floor ?? []), floor, {
    ...perBatch,
    target: 2,
  }),
  row('1000 calls in flight', 'cockatiel', us(s.cockatiel ?? []), us(s.floor ?? []), floor, perBatch),
  row('1000 calls in flight', 'opossum', us(s.opossum ?? []), us(s.floor ?? []), floor, perBatch),
]);
