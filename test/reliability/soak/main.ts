// `npm run soak`: the long soak, printing figures (RELIABILITY.md quotes them). Options:
//   --calls N        calls through the single breaker (default 5,000,000)
//   --keyed-calls N  calls through the keyed group (default 2,000,000)
//   --max-keys N     the group's bound (default 1000); 2 × N rotating keys are busy at once
// It fails (exit code 1) when a count is off, something is left in flight, or the heap grew.
import { parseArgs } from 'node:util';
import { guardClock } from '../../../src/clock/GuardedClock.js';
import { type Counts, collect, type SoakResult, soakBreaker, soakKeyed } from './soak.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '5000000' },
    'keyed-calls': { type: 'string', default: '2000000' },
    'max-keys': { type: 'string', default: '1000' },
  },
});
const calls = Number(values.calls);
const keyedCalls = Number(values['keyed-calls']);
const maxKeys = Number(values['max-keys']);
/** Heap growth allowed between the warm-up and the end, after a full GC. */
const HEAP_SLACK = 4 * 1024 * 1024;

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const n = (value: number): string => value.toLocaleString('en-US');

function report(title: string, result: SoakResult): boolean {
  const exact = (Object.keys(result.made) as (keyof Counts)[]).every(
    (key) => result.made[key] === result.reported[key],
  );
  const growth = result.heapEnd - result.heapStart;
  console.log(`\n## ${title}\n`);
  console.log(
    `${n(result.calls)} calls in ${result.seconds.toFixed(1)} s (${n(Math.round(result.calls / result.seconds))} calls/s), up to ${n(result.inFlightPeak)} in flight at once, ${n(result.transitions)} transitions`,
  );
  if (result.keyed !== undefined) {
    const { keys, maxKeys: bound, largest, busiest, atEnd } = result.keyed;
    console.log(
      `keyed group: ${n(keys)} rotating keys (+ 20 hot ones), maxKeys ${n(bound)}, held at most ${n(largest)} (${n(busiest)} busy at once), ${n(atEnd)} at the end`,
    );
  }
  console.log('\n| count | made by the soak | reported |\n|---|---:|---:|');
  for (const key of Object.keys(result.made) as (keyof Counts)[]) {
    console.log(`| ${key} | ${n(result.made[key])} | ${n(result.reported[key])} |`);
  }
  console.log(
    `\nin flight at the end: ${result.inFlightAtEnd}; heap after GC: ${mb(result.heapStart)} after the warm-up, ${mb(result.heapEnd)} at the end (${growth >= 0 ? '+' : ''}${mb(growth)})`,
  );
  const held = exact && result.inFlightAtEnd === 0 && growth < HEAP_SLACK;
  console.log(held ? 'HELD' : 'DID NOT HOLD');
  return held;
}

/** ns per `now()` of a cheap user clock, read directly and through its guard (interleaved rounds). */
function clockGuardCost(): { raw: number; guarded: number } {
  let t = 0;
  const user = { now: () => (t += 0.001), setTimeout, clearTimeout };
  const guarded = guardClock(user, undefined);
  const time = (read: () => number): number => {
    const rounds = 10_000_000;
    let sum = 0;
    const start = performance.now();
    for (let i = 0; i < rounds; i++) sum += read();
    if (sum < 0) console.log(sum);
    return ((performance.now() - start) * 1e6) / rounds;
  };
  const raw: number[] = [];
  const wrapped: number[] = [];
  for (let round = 0; round < 7; round++) {
    raw.push(time(() => user.now()));
    wrapped.push(time(() => guarded.now()));
  }
  const median = (list: number[]): number => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  return { raw: median(raw), guarded: median(wrapped) };
}

console.log(`# breakwater soak (node ${process.version}, ${new Date().toISOString()})`);
collect();
const single = report(
  `One breaker: ${n(calls)} calls, every outcome, 1000 in flight per wave`,
  await soakBreaker({ calls, wave: 1000, seed: 1 }),
);
const keyed = report(
  `A churning keyed group: ${n(keyedCalls)} calls, ${n(2 * maxKeys)} rotating keys busy at once, maxKeys ${n(maxKeys)}`,
  await soakKeyed({ calls: keyedCalls, wave: 4 * maxKeys, maxKeys, keySpace: 3 * maxKeys, seed: 2 }),
);
const cost = clockGuardCost();
console.log(
  `\n## The clock guard\n\nnow() of a user clock: ${cost.raw.toFixed(1)} ns read directly, ${cost.guarded.toFixed(1)} ns through the guard (+${(cost.guarded - cost.raw).toFixed(1)} ns; the system clock and FakeClock are never wrapped)`,
);
process.exitCode = single && keyed ? 0 : 1;
