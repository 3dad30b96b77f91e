// @ts-check
/**
 * Heap per breaker (10,000 instances, after gc; idle and after use), 100,000 keyed breakers, timers
 * per idle breaker and per call. Bytes are V8 heap plus array buffers (windows and histograms are
 * typed arrays, which live outside the heap). Needs `--expose-gc`.
 */
import { report, valueRow } from './lib/measure.js';
import { breakwater, cockatiel, cockatielBreaker, fail, lib, ok, opossum } from './lib/peers.js';

const gc = /** @type {() => void} */ (globalThis.gc);
const COUNT = 10_000;

function heap() {
  for (let i = 0; i < 4; i++) gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers; // typed arrays (windows, histograms) live outside the V8 heap
}

/**
 * Bytes of heap per instance made by `make`, with `use` applied to each (after gc).
 * @template T
 * @param {() => T} make
 * @param {(t: T) => Promise<void> | void} [use]
 * @param {number} [count]
 */
async function perInstance(make, use, count = COUNT) {
  const before = heap();
  const kept = new Array(count);
  for (let i = 0; i < count; i++) kept[i] = make();
  if (use) for (const item of kept) await use(item);
  const after = heap();
  return { bytes: (after - before) / count, kept };
}

/** @type {import('./lib/measure.js').Row[]} */
const rows = [];
/**
 * @param {string} scenario
 * @param {string} variant
 * @param {number} value
 * @param {string} unit
 * @param {{ target?: number, note?: string }} [extra]
 */
const add = (scenario, variant, value, unit, extra = {}) =>
  rows.push(valueRow(scenario, variant, value, unit, extra));

// ---- heap per breaker ------------------------------------------------------------------------
// "Used": 20 successful calls, then 2 failures (no breaker trips). breakwater's latency histogram is
// allocated with the first sampled call and its window with the first failure, so both exist by then.
const SUCCESSES = 20;
const FAILURES = 2;
const USED = `after ${SUCCESSES} successful calls and ${FAILURES} failures`;

const idle = await perInstance(() => breakwater());
add('heap per breaker, idle (default options)', 'breakwater', idle.bytes, 'B', { target: 512 });
idle.kept.length = 0;
const used = await perInstance(
  () => breakwater(),
  async (b) => {
    for (let i = 0; i < SUCCESSES; i++) await b.call(ok);
    for (let i = 0; i < FAILURES; i++) await b.call(fail).catch(() => {});
  },
);
if (used.kept.some((b) => b.state !== 'closed')) throw new Error('a breaker tripped');
add(`heap per breaker, ${USED}`, 'breakwater', used.bytes, 'B', { target: 1024 });
used.kept.length = 0;
const ckIdle = await perInstance(() => cockatielBreaker());
add('heap per breaker, idle (default options)', 'cockatiel', ckIdle.bytes, 'B');
ckIdle.kept.length = 0;
const ck = await perInstance(
  () => cockatielBreaker(),
  async (b) => {
    for (let i = 0; i < SUCCESSES; i++) await b.execute(ok);
    for (let i = 0; i < FAILURES; i++) await b.execute(fail).catch(() => {});
  },
);
add(`heap per breaker, ${USED}`, 'cockatiel', ck.bytes, 'B');
ck.kept.length = 0;
/** @param {boolean} [failing] */
const action = (failing) => (failing ? fail() : ok());
const opIdle = await perInstance(() => opossum(action));
add('heap per breaker, idle (default options)', 'opossum', opIdle.bytes, 'B', {
  note: 'timeout: false, resetTimeout: 60 s',
});
for (const b of opIdle.kept) b.shutdown();
opIdle.kept.length = 0;
const op = await perInstance(
  () => opossum(action),
  async (b) => {
    for (let i = 0; i < SUCCESSES; i++) await b.fire(false);
    for (let i = 0; i < FAILURES; i++) await b.fire(true).catch(() => {});
  },
);
add(`heap per breaker, ${USED}`, 'opossum', op.bytes, 'B');
for (const b of op.kept) b.shutdown();
op.kept.length = 0;

// ---- 100,000 keyed breakers ------------------------------------------------------------------
const KEYS = 100_000;
const Registry = /** @type {any} */ (lib).CircuitBreakerRegistry;
let keyedNote = '';
let keyedBytes;
/** Kept reachable until measured. */
let retained;
if (typeof Registry === 'function' && typeof new Registry().keyed === 'function') {
  const registry = new Registry();
  const before = heap();
  const group = registry.keyed('tenant', { maxKeys: KEYS, idleTtl: 3_600_000 });
  retained = registry;
  for (let i = 0; i < KEYS; i++) await group.get(`tenant-${i}`).call(ok);
  keyedBytes = heap() - before;
  keyedNote = 'registry.keyed(name).get(key), one call each';
  if (group.size !== undefined && group.size !== KEYS) keyedNote += ` (group holds ${group.size})`;
} else {
  const before = heap();
  const map = new Map();
  for (let i = 0; i < KEYS; i++) {
    const b = breakwater({ name: `tenant:tenant-${i}` });
    map.set(`tenant-${i}`, b);
    await b.call(ok);
  }
  retained = map;
  keyedBytes = heap() - before;
  keyedNote = 'registry.keyed() not built yet: 100,000 plain breakers in a Map, one call each';
}
if (retained === undefined) throw new Error('nothing retained');
add('100,000 keyed breakers', 'breakwater', keyedBytes / 1024 / 1024, 'MB', { target: 64, note: keyedNote });

// ---- timers ----------------------------------------------------------------------------------
/** Live timers, unref'd ones included (counted by wrapping the globals). */
const live = new Set();
const { setTimeout: st, clearTimeout: ct, setInterval: si, clearInterval: ci } = globalThis;
globalThis.setTimeout = /** @type {any} */ (
  (/** @type {any} */ fn, /** @type {number} */ ms, /** @type {any[]} */ ...args) => {
    const handle = st(
      (/** @type {any[]} */ ...a) => {
        live.delete(handle);
        fn(...a);
      },
      ms,
      ...args,
    );
    live.add(handle);
    return handle;
  }
);
globalThis.setInterval = /** @type {any} */ (
  (/** @type {any} */ fn, /** @type {number} */ ms, /** @type {any[]} */ ...args) => {
    const handle = si(fn, ms, ...args);
    live.add(handle);
    return handle;
  }
);
globalThis.clearTimeout = /** @type {any} */ (
  (/** @type {any} */ h) => {
    live.delete(h);
    ct(h);
  }
);
globalThis.clearInterval = /** @type {any} */ (
  (/** @type {any} */ h) => {
    live.delete(h);
    ci(h);
  }
);
const refed = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/**
 * Timers alive per instance (all, and those keeping the process alive).
 * @param {() => unknown} make
 */
function timersPer(make, n = 100) {
  const [a0, r0] = [live.size, refed()];
  const kept = Array.from({ length: n }, make);
  return { all: (live.size - a0) / n, refed: (refed() - r0) / n, kept };
}
const bwIdle = timersPer(() => breakwater());
add('timers per idle breaker', 'breakwater', bwIdle.all, 'timers', {
  target: 0,
  note: `${bwIdle.refed} keep the process alive`,
});
const bwOpen = timersPer(() => {
  const b = breakwater();
  b.on('open', () => {});
  b.open();
  return b;
});
add('timers per open breaker with a listener', 'breakwater', bwOpen.all, 'timers', {
  note: `${bwOpen.refed} keep the process alive (unref'd deadline timer)`,
});
const ckTimers = timersPer(() => cockatielBreaker());
add('timers per idle breaker', 'cockatiel', ckTimers.all, 'timers', { note: `${ckTimers.refed} ref'd` });
const opTimers = timersPer(() => opossum(ok));
add('timers per idle breaker', 'opossum', opTimers.all, 'timers', { note: `${opTimers.refed} ref'd` });
for (const b of /** @type {any[]} */ (opTimers.kept)) b.shutdown();

// Per call: 1000 calls in flight, without and with a timeout; timers counted while they are pending.
async function timersPerCall(/** @type {(fn: () => Promise<unknown>) => Promise<unknown>} */ call) {
  /** @type {() => void} */ let release = () => {};
  const gate = new Promise((resolve) => {
    release = () => resolve(undefined);
  });
  const [a0, r0] = [live.size, refed()];
  const calls = Array.from({ length: 1000 }, () => call(() => gate));
  const during = { all: (live.size - a0) / 1000, refed: (refed() - r0) / 1000 };
  release();
  await Promise.allSettled(calls);
  const after = { all: live.size - a0, refed: refed() - r0 };
  return { during, after };
}
const plain = breakwater();
const plainCalls = await timersPerCall((fn) => plain.call(fn));
add('timers per call (1000 in flight)', 'breakwater', plainCalls.during.all, 'timers', {
  target: 0,
  note: `${plainCalls.after.all} left after they settle`,
});
const timed = breakwater({ timeout: 5000 });
const timedCalls = await timersPerCall((fn) => timed.call(fn));
add('timers per call with a timeout (1000 in flight)', 'breakwater', timedCalls.during.all, 'timers', {
  note: `shared deadline buckets; ${timedCalls.after.refed} keep the process alive after they settle`,
});
const ckt = cockatiel.wrap(
  cockatiel.timeout(5000, cockatiel.TimeoutStrategy.Cooperative),
  cockatielBreaker(),
);
const ckCalls = await timersPerCall((fn) => ckt.execute(fn));
add('timers per call with a timeout (1000 in flight)', 'cockatiel', ckCalls.during.all, 'timers');
const opt = opossum((/** @type {() => Promise<unknown>} */ fn) => fn(), { timeout: 5000 });
const opCalls = await timersPerCall((fn) => opt.fire(fn));
add('timers per call with a timeout (1000 in flight)', 'opossum', opCalls.during.all, 'timers');
opt.shutdown();
report('memory', rows);
