// @ts-check
/**
 * 12 s of back-to-back successful calls through one breaker (argv[2]: breakwater | cockatiel |
 * opossum): calls per second, first seconds against last seconds (second 1 is warm-up).
 */
import { report } from './lib/measure.js';
import { breakwater, cockatielBreaker, ok, opossum } from './lib/peers.js';

const which = process.argv[2] ?? 'breakwater';
const SECONDS = Number(process.env.BENCH_SUSTAINED_SECONDS ?? 12);
const bw = breakwater();
const ck = cockatielBreaker();
const op = opossum(ok);
/** @type {() => Promise<unknown>} */
const call =
  which === 'opossum' ? () => op.fire() : which === 'cockatiel' ? () => ck.execute(ok) : () => bw.call(ok);

/** @type {number[]} */
const perSecond = [];
const start = process.hrtime.bigint();
let second = 1;
let count = 0;
for (;;) {
  for (let i = 0; i < 1000; i++) await call();
  count += 1000;
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (elapsed >= second) {
    perSecond.push(count);
    count = 0;
    second++;
    if (second > SECONDS) break;
  }
}
op.shutdown();
/** @param {number[]} xs */
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const first = mean(perSecond.slice(1, 3));
const last = mean(perSecond.slice(-2));
report('sustained', [
  {
    scenario: `sustained ${SECONDS} s, last 2 s / seconds 2-3`,
    variant: which,
    value: last / first,
    unit: 'x',
    runs: 1,
    target: which === 'breakwater' ? 0.9 : undefined,
    higherIsBetter: true,
    note: `${Math.round(first / 1000)}k → ${Math.round(last / 1000)}k calls/s`,
  },
]);
