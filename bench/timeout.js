// @ts-check
/**
 * A call with a timeout (100 ms, never reached) against a bare `await`. Peers that set one timer per
 * call leave them pending after their batch; the harness waits them out (`settleMs`) so they never
 * fire inside another variant's measurement.
 */
import { interleave, report, row } from './lib/measure.js';
import { breakwater, cockatiel, cockatielBreaker, ok, opossum } from './lib/peers.js';

const bw = breakwater({ timeout: 100 });
const ckTimeout = cockatiel.wrap(
  cockatiel.timeout(100, cockatiel.TimeoutStrategy.Cooperative),
  cockatielBreaker(),
);
const op = opossum(ok, { timeout: 100 });

const withTimeout = await interleave(
  [
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
        for (let i = 0; i < n; i++) await ckTimeout.execute(ok);
      },
    },
    {
      name: 'opossum',
      run: async (n) => {
        for (let i = 0; i < n; i++) await op.fire();
      },
    },
  ],
  { settleMs: 150 },
);
op.shutdown();

const t = /** @type {Record<string, number[]>} */ (withTimeout);
const floor = 'bare `await fn()`';
report('timeout', [
  row('call with a timeout', 'floor', t.floor ?? [], t.floor ?? [], floor),
  row('call with a timeout', 'breakwater', t.breakwater ?? [], t.floor ?? [], floor, { target: 5 }),
  row('call with a timeout', 'cockatiel', t.cockatiel ?? [], t.floor ?? [], floor),
  row('call with a timeout', 'opossum', t.opossum ?? [], t.floor ?? [], floor),
]);
