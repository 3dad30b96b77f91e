// @ts-check
/**
 * Closed breaker, fast path, a successful call: breakwater with the defaults and with
 * `latencySampling: 0` against F1 (the least a correct observer can do) and a bare `await fn()`.
 */
import { observed, seen } from './lib/floors.js';
import { interleave, report, row } from './lib/measure.js';
import { breakwater, cockatielBreaker, ok, opossum } from './lib/peers.js';

const bw = breakwater();
const bw0 = breakwater({ latencySampling: 0 });
const ck = cockatielBreaker();
const op = opossum(ok);

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
    name: 'breakwater',
    run: async (n) => {
      for (let i = 0; i < n; i++) await bw.call(ok);
    },
  },
  {
    name: 'breakwater0',
    run: async (n) => {
      for (let i = 0; i < n; i++) await bw0.call(ok);
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
if (seen.succeeded === 0 || bw.metrics().successfulCalls === 0) throw new Error('nothing was observed');

const bare = s.bare ?? [];
const f1 = s.F1 ?? [];
const vsBare = { floor: bare, name: 'bare `await`' };
const scenario = 'closed, success';
report('success', [
  row(scenario, 'bare `await fn()`', bare, bare, 'bare'),
  row(scenario, 'F1 floor', f1, bare, 'bare'),
  row(scenario, 'breakwater', s.breakwater ?? [], f1, 'F1', { target: 1.25, also: vsBare }),
  row(scenario, 'breakwater, latencySampling: 0', s.breakwater0 ?? [], f1, 'F1', {
    target: 1.15,
    also: vsBare,
  }),
  row(scenario, 'cockatiel', s.cockatiel ?? [], f1, 'F1', { also: vsBare }),
  row(scenario, 'opossum', s.opossum ?? [], f1, 'F1', { also: vsBare }),
]);
