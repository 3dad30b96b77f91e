// @ts-check
/**
 * 12 s of back-to-back successful calls through one breaker (argv[2]: breakwater | cockatiel |
 * opossum): does it slow down? The calls go in chunks of 1000, each followed by a chunk of 1000 F1
 * calls (the floor), so that every second gives the breaker's cost per call as a ratio to the floor's
 * next to it: a machine that speeds up or slows down (other work on it) moves both. The row compares
 * the last 2 seconds with seconds 2-3 (second 1 is warm-up): the median cost ratio of the first
 * over that of the last, i.e. the throughput of the last seconds as a share of the first's,
 * drift-corrected; the raw calls per second (medians of the chunks) are in the note.
 */
import { observed } from './lib/floors.js';
import { cpuNow, report, valueRow } from './lib/measure.js';
import { breakwater, cockatielBreaker, ok, opossum } from './lib/peers.js';
import { median, ratios } from './lib/stats.js';

const which = process.argv[2] ?? 'breakwater';
const SECONDS = Number(process.env.BENCH_SUSTAINED_SECONDS ?? 12);
const CHUNK = 1000;
const bw = breakwater();
const ck = cockatielBreaker();
const op = opossum(ok);

async function chunkBreakwater() {
  for (let i = 0; i < CHUNK; i++) await bw.call(ok);
}
async function chunkCockatiel() {
  for (let i = 0; i < CHUNK; i++) await ck.execute(ok);
}
async function chunkOpossum() {
  for (let i = 0; i < CHUNK; i++) await op.fire();
}
async function chunkFloor() {
  for (let i = 0; i < CHUNK; i++) await observed(ok);
}
const chunk = which === 'opossum' ? chunkOpossum : which === 'cockatiel' ? chunkCockatiel : chunkBreakwater;

/** Per second: for each pair of chunks, the breaker's ns and the floor's ns. */
const seconds = Array.from({ length: SECONDS }, () => ({
  subject: /** @type {number[]} */ ([]),
  floor: /** @type {number[]} */ ([]),
}));
const start = process.hrtime.bigint();
for (;;) {
  const t0 = cpuNow();
  await chunk();
  const t1 = cpuNow();
  await chunkFloor();
  const t2 = cpuNow();
  const second = Math.floor(Number(process.hrtime.bigint() - start) / 1e9);
  if (second >= SECONDS) break;
  const slot = /** @type {{ subject: number[], floor: number[] }} */ (seconds[second]);
  slot.subject.push(t1 - t0);
  slot.floor.push(t2 - t1);
}
op.shutdown();

// Medians over the chunk pairs of each span, so that a burst of other work on the machine does not
// decide the figure.
const firstSeconds = seconds.slice(1, 3);
const lastSeconds = seconds.slice(-2);
/** Calls per second of the breaker's own CPU time. @param {typeof seconds} xs */
const rate = (xs) => (CHUNK * 1e9) / median(xs.flatMap((s) => s.subject));
/** The breaker's cost relative to the floor's in the same pair of chunks. @param {typeof seconds} xs */
const relative = (xs) => median(xs.flatMap((s) => ratios(s.subject, s.floor)));
const corrected = relative(firstSeconds) / relative(lastSeconds);
const raw = rate(lastSeconds) / rate(firstSeconds);
report(`sustained ${which}`, [
  valueRow(`sustained ${SECONDS} s: throughput of the last 2 s / seconds 2-3, vs F1`, which, corrected, 'x', {
    ...(which === 'breakwater' ? { target: 0.95 } : {}),
    higherIsBetter: true,
    note: `raw ${raw.toFixed(2)}x: ${Math.round(rate(firstSeconds) / 1000)}k → ${Math.round(rate(lastSeconds) / 1000)}k calls/s`,
  }),
]);
