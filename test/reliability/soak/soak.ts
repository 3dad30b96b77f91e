import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CircuitBreaker } from '../../../src/CircuitBreaker.js';
import { FakeClock } from '../../../src/clock/FakeClock.js';
import { KeyedBreakers } from '../../../src/registry/KeyedBreakers.js';
import { seeded } from '../../support/random.js';

// The soak: waves of calls of every outcome, many in flight at once, through one breaker and through
// a keyed group that churns (more keys than maxKeys, more keys busy at once than maxKeys). Each call's
// fate is known to the caller (whether `fn` ran, how it ended, what the call gave back), so the
// counts the breaker and the group report can be checked exactly against what the soak made.

/** What a call's function does. */
export type Kind = 'success' | 'failure' | 'timeout' | 'ignored' | 'fallback' | 'abort';
/**
 * The mix, by weight: mostly successes, with failures, timeouts, ignored errors, calls with a
 * fallback (whose function fails a third of the time, and during outages) and caller aborts. Outside
 * outages about 20% of calls fail, below the breakers' 50% rule.
 */
const MIX: readonly (readonly [Kind, number])[] = [
  ['success', 60],
  ['failure', 7],
  // The timeouts of a wave all fire at once, in a row: more would trip the breaker every wave.
  ['timeout', 2],
  ['ignored', 10],
  ['fallback', 15],
  ['abort', 6],
];
const WEIGHT = MIX.reduce((sum, [, weight]) => sum + weight, 0);

function kindOf(draw: number): Kind {
  let left = draw * WEIGHT;
  for (const [kind, weight] of MIX) {
    if (left < weight) return kind;
    left -= weight;
  }
  return 'success';
}

/** An error the breakers exclude: neither success nor failure. */
export class BusinessError extends Error {
  override readonly name = 'BusinessError';
}

/** The counters checked exactly, as the breaker's `metrics()` and the group's `totals` name them. */
export interface Counts {
  totalCalls: number;
  successfulCalls: number;
  failedCalls: number;
  rejectedCalls: number;
  ignoredCalls: number;
  timeouts: number;
  fallbacks: number;
}

/** What a soak run did and saw. */
export interface SoakResult {
  readonly calls: number;
  /** Calls in flight at once at the peak of each wave. */
  readonly inFlightPeak: number;
  /** Counted by the soak from each call's fate. */
  readonly made: Counts;
  /** Reported by the breaker (or the group's totals). */
  readonly reported: Counts;
  /** Calls still in flight at the end (the breaker's `inFlight`, or the group's busy members). */
  readonly inFlightAtEnd: number;
  /** Heap used after a full GC, in bytes, after the warm-up and at the end. */
  readonly heapStart: number;
  readonly heapEnd: number;
  readonly seconds: number;
  /**
   * For a keyed group: keys that rotate through it, its bound, the most it held and the most keys
   * busy at once (both at a wave's peak), and what it holds at the end.
   */
  readonly keyed?: { keys: number; maxKeys: number; largest: number; busiest: number; atEnd: number };
  /** Transitions the breaker (or group) made: the soak drives it through outages. */
  readonly transitions: number;
}

/** Options of a soak run. */
export interface SoakOptions {
  /** Calls in all. */
  readonly calls: number;
  /** Calls launched together in a wave (all in flight before any settles). */
  readonly wave: number;
  readonly seed?: number;
  /**
   * For the keyed soak: the group's bound and how many distinct keys rotate through it. Half of a
   * wave's calls go to rotating keys, one each: `wave / 2` of them are busy at once.
   */
  readonly maxKeys?: number;
  readonly keySpace?: number;
}

const TIMEOUT_MS = 50;
/** Keys of the keyed soak that take half of the calls. */
const HOT_KEYS = 20;

function zero(): Counts {
  return {
    totalCalls: 0,
    successfulCalls: 0,
    failedCalls: 0,
    rejectedCalls: 0,
    ignoredCalls: 0,
    timeouts: 0,
    fallbacks: 0,
  };
}

/** A full garbage collection (exposing `gc` if the process was not started with --expose-gc). */
export function collect(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}

function heapAfterGc(): number {
  collect();
  return process.memoryUsage().heapUsed;
}

/** Launches one call of `kind` through `breaker`, counting its fate into `made` when it settles. */
function launch(
  breaker: CircuitBreaker,
  kind: Kind,
  made: Counts,
  gates: ((fail: boolean) => void)[],
  aborts: AbortController[],
  fallbackFails: boolean,
): Promise<void> {
  let invoked = false;
  made.totalCalls++;
  const fn = (): Promise<string> => {
    invoked = true;
    if (kind === 'timeout') return new Promise<string>(() => {}); // hangs: the timeout ends it
    return new Promise<string>((resolve, reject) => {
      gates.push((fail) => {
        if (
          kind === 'failure' ||
          (kind === 'fallback' && (fail || fallbackFails)) ||
          (kind === 'success' && fail)
        ) {
          reject(new Error('down'));
        } else if (kind === 'ignored') {
          reject(new BusinessError('out of stock'));
        } else {
          resolve('ok');
        }
      });
    });
  };
  const options: { timeout?: number; fallback?: () => string; signal?: AbortSignal } = {};
  if (kind === 'timeout') options.timeout = TIMEOUT_MS;
  if (kind === 'fallback') options.fallback = () => 'fallback';
  if (kind === 'abort') {
    const controller = new AbortController();
    aborts.push(controller);
    options.signal = controller.signal;
  }
  return breaker.call(fn, options).then(
    (value) => {
      if (value === 'fallback') {
        made.fallbacks++;
        if (invoked) made.failedCalls++;
        else made.rejectedCalls++;
      } else {
        made.successfulCalls++;
      }
    },
    (error: unknown) => {
      if (!invoked) made.rejectedCalls++;
      else if (kind === 'timeout') {
        made.failedCalls++;
        made.timeouts++;
      } else if (kind === 'ignored' || kind === 'abort') made.ignoredCalls++;
      else if (error instanceof Error && error.message === 'down') made.failedCalls++;
      else throw new Error(`unexpected fate of a ${kind} call: ${String(error)}`);
    },
  );
}

/**
 * Runs waves of calls through `pick(i)`'s breaker: each wave launches `wave` calls (all in flight),
 * then aborts the caller-aborted ones, settles the rest (failing most of them during an outage) and
 * moves the clock past the call timeout. Outages come and go, so the breaker trips, refuses, probes
 * and closes again.
 */
async function run(
  options: SoakOptions,
  clock: FakeClock,
  pick: (index: number) => CircuitBreaker,
  /** Called at the peak of each wave: every call launched, none settled. */
  onWave: () => void,
): Promise<{ made: Counts; heapStart: number; seconds: number; inFlightPeak: number }> {
  const random = seeded(options.seed ?? 1);
  const made = zero();
  let heapStart = 0;
  let inFlightPeak = 0;
  const started = performance.now();
  const warmUp = Math.min(options.calls / 10, 20 * options.wave);
  let launched = 0;
  for (let waveIndex = 0; launched < options.calls; waveIndex++) {
    if (heapStart === 0 && launched >= warmUp) heapStart = heapAfterGc();
    // An outage for 3 waves in every 10: most calls fail, the breaker opens and refuses.
    const outage = waveIndex % 10 >= 7;
    const gates: ((fail: boolean) => void)[] = [];
    const aborts: AbortController[] = [];
    const calls: Promise<void>[] = [];
    const size = Math.min(options.wave, options.calls - launched);
    for (let i = 0; i < size; i++) {
      const kind = kindOf(random());
      calls.push(launch(pick(launched + i), kind, made, gates, aborts, random() < 1 / 3));
    }
    launched += size;
    inFlightPeak = Math.max(inFlightPeak, gates.length + aborts.length);
    onWave();
    for (const controller of aborts) controller.abort(new Error('the caller gave up'));
    for (const gate of gates) gate(outage && random() < 0.9);
    await Promise.resolve();
    clock.advance(TIMEOUT_MS + 10); // timeouts fire; an open period (resetTimeout 100) passes in 2 waves
    await Promise.all(calls);
  }
  return { made, heapStart, seconds: (performance.now() - started) / 1000, inFlightPeak };
}

function countsOf(source: Counts): Counts {
  return {
    totalCalls: source.totalCalls,
    successfulCalls: source.successfulCalls,
    failedCalls: source.failedCalls,
    rejectedCalls: source.rejectedCalls,
    ignoredCalls: source.ignoredCalls,
    timeouts: source.timeouts,
    fallbacks: source.fallbacks,
  };
}

const BREAKER_OPTIONS = {
  failureRateThreshold: 0.5,
  minimumCalls: 20,
  window: { type: 'count', size: 100 },
  resetTimeout: 100,
  halfOpenMaxCalls: 5,
  successThreshold: 2,
  exclude: [BusinessError],
} as const;

/** One breaker, every outcome, `wave` calls in flight at once. */
export async function soakBreaker(options: SoakOptions): Promise<SoakResult> {
  const clock = new FakeClock();
  const breaker = new CircuitBreaker({ ...BREAKER_OPTIONS, clock, name: 'soak' });
  const { made, heapStart, seconds, inFlightPeak } = await run(
    options,
    clock,
    () => breaker,
    () => {},
  );
  const metrics = breaker.metrics();
  const result: SoakResult = {
    calls: made.totalCalls,
    inFlightPeak,
    made,
    reported: countsOf(metrics),
    inFlightAtEnd: metrics.inFlight,
    heapStart,
    heapEnd: heapAfterGc(),
    seconds,
    transitions: metrics.stateTransitions,
  };
  breaker.dispose();
  return result;
}

/** A keyed group that churns: `keySpace` keys rotate through a group of `maxKeys`, `wave` in flight. */
export async function soakKeyed(options: SoakOptions): Promise<SoakResult> {
  const clock = new FakeClock();
  const maxKeys = options.maxKeys ?? 1000;
  const keySpace = options.keySpace ?? maxKeys * 3;
  // A consecutive rule: hot keys trip during outages.
  const group = new KeyedBreakers('soak', {
    ...BREAKER_OPTIONS,
    failureThreshold: 2,
    minimumCalls: 1,
    clock,
    maxKeys,
    idleTtl: 60_000,
  });
  let next = 0;
  let largest = 0;
  let busiest = 0;
  const { made, heapStart, seconds, inFlightPeak } = await run(
    options,
    clock,
    // Half the calls go to a few hot keys (used every wave: they trip in outages and refuse in the
    // waves after), half to keys that rotate through the group: `wave / 2` of them busy at once.
    (index) => group.get(index % 2 === 0 ? `hot-${(index / 2) % HOT_KEYS}` : `key-${next++ % keySpace}`),
    () => {
      largest = Math.max(largest, group.size);
      busiest = Math.max(busiest, group.status().busy);
    },
  );
  // Let the last busy members go: a few idle ones are evicted on each get.
  for (let i = 0; i < maxKeys; i++) group.get(`idle-${i % 10}`);
  const status = group.status();
  const result: SoakResult = {
    calls: made.totalCalls,
    inFlightPeak,
    made,
    reported: countsOf(status.totals),
    inFlightAtEnd: status.busy,
    heapStart,
    heapEnd: heapAfterGc(),
    seconds,
    keyed: { keys: keySpace, maxKeys, largest, busiest, atEnd: group.size },
    transitions: status.totals.stateTransitions,
  };
  group.clear();
  return result;
}
