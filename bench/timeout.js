// @ts-check
/**
 * A call with a timeout (never reached): breakwater with the breaker option and with the per-call
 * option, against T2 (the least a correct timed call can do) and, for scale, F1 and a bare `await`.
 * The per-call variant passes an object literal, as callers write it. cockatiel wraps its breaker in
 * a cooperative timeout policy; both peers set and clear one timer per call.
 *
 * The timeout (1 s) is longer than the pause between two batches of one variant (the other variants'
 * batches, ~150 ms), so every batch sees the steady state: deadline buckets from its last batch are
 * still pending. What a pause longer than the timeout costs is measured on its own (timeout-gc.js).
 */
import { observed } from './lib/floors.js';
import { interleave, report, row } from './lib/measure.js';
import { breakwater, cockatiel, cockatielBreaker, ok, opossum } from './lib/peers.js';
import { timed } from './lib/t2.js';

const TIMEOUT = 1000;
const bw = breakwater({ timeout: TIMEOUT });
const bwPerCall = breakwater();
const ck = cockatiel.wrap(
  cockatiel.timeout(TIMEOUT, cockatiel.TimeoutStrategy.Cooperative),
  cockatielBreaker(),
);
const op = opossum(ok, { timeout: TIMEOUT });

const s = await interleave([
  {
    name: 'bare',
    run: async (n) => {
      for (let i = 0; i < n; i++) await ok();
    },
  },
  {
    name: 'F1',
    run: async (n) => {
      for (let i = 0; i < n; i++) await observed(ok);
    },
  },
  {
    name: 'T2',
    run: async (n) => {
      for (let i = 0; i < n; i++) await timed(ok, TIMEOUT);
    },
  },
  {
    name: 'breakwater',
    run: async (n) => {
      for (let i = 0; i < n; i++) await bw.call(ok);
    },
  },
  {
    name: 'perCall',
    run: async (n) => {
      for (let i = 0; i < n; i++) await bwPerCall.call(ok, { timeout: TIMEOUT });
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
op.shutdown();
if (bw.metrics().timeouts !== 0 || bwPerCall.metrics().successfulCalls === 0) throw new Error('unexpected');

const bare = s.bare ?? [];
const t2 = s.T2 ?? [];
const vsBare = { floor: bare, name: 'bare `await`' };
const scenario = 'call with a timeout';
report('timeout', [
  row(scenario, 'bare `await fn()`', bare, bare, 'bare'),
  row(scenario, 'F1 floor', s.F1 ?? [], bare, 'bare'),
  row(scenario, 'T2 floor', t2, bare, 'bare'),
  row(scenario, 'breakwater, `timeout` option', s.breakwater ?? [], t2, 'T2', { target: 1.6, also: vsBare }),
  row(scenario, 'breakwater, per call `{ timeout }`', s.perCall ?? [], t2, 'T2', {
    target: 1.6,
    also: vsBare,
  }),
  row(scenario, 'cockatiel', s.cockatiel ?? [], t2, 'T2', { also: vsBare }),
  row(scenario, 'opossum', s.opossum ?? [], t2, 'T2', { also: vsBare }),
]);
