import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Claim, check, pairedDifference } from '../bench/simulate/claims.js';
import { compareVariants, type ScenarioResult, type VariantResult } from '../bench/simulate/compare.js';
import { type Condition, Dependency, type DependencyModel } from '../bench/simulate/Dependency.js';
import { EventQueue } from '../bench/simulate/EventQueue.js';
import { acceptsOptions, hasFeature, missingFeatures } from '../bench/simulate/features.js';
import { type Measures, measure, percentile, recoveryGap } from '../bench/simulate/measures.js';
import { Random, streamSeed } from '../bench/simulate/Random.js';
import type { Scenario } from '../bench/simulate/Scenario.js';
import type { CallRecord, SimulationLog } from '../bench/simulate/SimulationLog.js';
import { MODEL } from '../bench/simulate/scenarios.js';
import { clientView, simulate } from '../bench/simulate/simulate.js';
import { median, summarize } from '../bench/simulate/summary.js';
import {
  formatRate,
  formatSeconds,
  headlineTable,
  markdownTable,
  showRange,
} from '../bench/simulate/table.js';
import {
  bulkhead,
  fixed,
  fixedProbe,
  limit,
  noBreaker,
  noRetries,
  retries,
  retriesBudget,
  throttle,
  type Variant,
} from '../bench/simulate/Variant.js';

const NORMAL: Condition = { down: false, capacity: 1, errorRate: 0 };

describe('Random', () => {
  it('gives the same sequence for the same seed, another for another seed', () => {
    const draw = (seed: number) => {
      const random = new Random(seed);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('draws uniformly in [0, 1), and exponentially with the mean asked', () => {
    const random = new Random(1);
    let sum = 0;
    let below = 0;
    let expSum = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const u = random.next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      if (u < 0.1) below++;
      expSum += random.exponential(40);
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(below / n).toBeCloseTo(0.1, 2);
    expect(expSum / n).toBeGreaterThan(39);
    expect(expSum / n).toBeLessThan(41);
  });

  it('derives unrelated streams from one seed', () => {
    const seeds = new Set([0, 1, 2].flatMap((stream) => [1, 2].map((seed) => streamSeed(seed, stream))));
    expect(seeds.size).toBe(6);
    expect(streamSeed(1, 0)).toBe(streamSeed(1, 0));
  });

  it('refuses a seed that is not an integer', () => {
    expect(() => new Random(0.5)).toThrow(/Expected `seed` to be an integer, got `0.5`/);
  });
});

describe('EventQueue', () => {
  it('pops events in time order, and events at the same time in the order pushed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const queue = new EventQueue<{ time: number; n: number }>();
        for (const [n, time] of times.entries()) queue.push({ time, n });
        const popped: { time: number; n: number }[] = [];
        for (let e = queue.pop(); e !== undefined; e = queue.pop()) popped.push(e);
        const expected = times.map((time, n) => ({ time, n })).sort((a, b) => a.time - b.time || a.n - b.n);
        expect(popped).toEqual(expected);
        expect(queue.size).toBe(0);
      }),
    );
  });
});

/** Sends Poisson traffic at `rate` calls/s over [from, to) ms; the share that failed and the mean latency. */
function offer(dependency: Dependency, random: Random, rate: number, from: number, to: number) {
  let failed = 0;
  let calls = 0;
  let latency = 0;
  for (let t = from + random.exponential(1000 / rate); t < to; t += random.exponential(1000 / rate)) {
    const { outcome, latency: waited } = clientView(
      dependency.request(t, NORMAL, random.next(), random.next()),
      1_000,
    );
    calls++;
    latency += waited;
    if (outcome !== 'success') failed++;
  }
  return { failed: failed / calls, latency: latency / calls };
}

describe('Dependency (the queueing model)', () => {
  // Capacity: 4 workers / 20 ms = 200 calls/s; a full queue is 5 s of work, past the 1 s timeout.
  const model: DependencyModel = { workers: 4, serviceTime: 20, queueLimit: 1_000, busyLatency: 2 };

  it('fails more as the load passes its capacity, and recovers once the load drops', () => {
    const dependency = new Dependency(model);
    const random = new Random(3);
    const before = offer(dependency, random, 100, 0, 20_000);
    // The queue grows by 100 calls/s: waits pass the timeout after 2 s, the queue is full after 10.
    const overload = offer(dependency, random, 300, 20_000, 50_000);
    // It drains by 100 calls/s, in about 10 s.
    const draining = offer(dependency, random, 100, 50_000, 52_000);
    const after = offer(dependency, random, 100, 65_000, 85_000);
    expect(before.failed).toBeLessThan(0.001);
    expect(overload.failed).toBeGreaterThan(0.9);
    expect(draining.failed).toBeGreaterThan(0.2);
    expect(after.failed).toBeLessThan(0.001);
  });

  it('answers more slowly as utilisation grows', () => {
    const at = (rate: number) => offer(new Dependency(model), new Random(5), rate, 0, 30_000).latency;
    const light = at(40);
    const busy = at(180);
    expect(light).toBeGreaterThan(19);
    expect(light).toBeLessThan(22);
    expect(busy).toBeGreaterThan(light * 1.5);
  });

  it('answers `busy` at once when its queue is full, and waits grow while it fills', () => {
    const dependency = new Dependency({ workers: 2, serviceTime: 10, queueLimit: 3, busyLatency: 2 });
    const mean = 1 - Math.exp(-1); // the draw whose service time is the mean
    const answers = Array.from({ length: 6 }, () => dependency.request(0, NORMAL, mean, 0.5));
    expect(answers.map((a) => a.answer)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'busy']);
    expect(answers.map((a) => Math.round(a.latency))).toEqual([10, 10, 20, 20, 30, 2]);
    expect(dependency.waitAt(0)).toBe(Number.POSITIVE_INFINITY);
    // At 10 ms two waiting calls start; the next free worker is free at 20 ms.
    expect(dependency.waitAt(10)).toBeCloseTo(10);
    expect(dependency.queued).toBe(1);
    expect(dependency.waitAt(30)).toBe(0);
    expect(dependency.queued).toBe(0);
  });

  it('gives no answer while down, and normal errors at its error rate whatever the load', () => {
    const dependency = new Dependency(model);
    expect(dependency.request(0, { down: true, capacity: 1, errorRate: 0 }, 0.5, 0.5)).toEqual({
      answer: 'down',
      latency: Number.POSITIVE_INFINITY,
    });
    const eight = { down: false, capacity: 1, errorRate: 0.08 };
    expect(dependency.request(1, eight, 0.5, 0.05).answer).toBe('error');
    expect(dependency.request(2, eight, 0.5, 0.5).answer).toBe('ok');
  });

  it('serves more slowly at a lower capacity', () => {
    const mean = 1 - Math.exp(-1);
    const full = new Dependency(model).request(0, NORMAL, mean, 0.5).latency;
    const brownout = new Dependency(model).request(0, { ...NORMAL, capacity: 0.4 }, mean, 0.5).latency;
    expect(brownout).toBeCloseTo(full / 0.4);
  });

  it('refuses a model out of range, naming the field', () => {
    expect(() => new Dependency({ ...model, workers: 0 })).toThrow(
      /Expected `workers` to be an integer >= 1, got `0`/,
    );
    expect(() => new Dependency({ ...model, serviceTime: -1 })).toThrow(RangeError);
  });

  it('the client sees a late or missing answer as a timeout at its deadline', () => {
    expect(clientView({ answer: 'ok', latency: 1_500 }, 1_000)).toEqual({
      outcome: 'timeout',
      latency: 1_000,
    });
    expect(clientView({ answer: 'down', latency: Number.POSITIVE_INFINITY }, 1_000)).toEqual({
      outcome: 'down',
      latency: 1_000,
    });
    expect(clientView({ answer: 'error', latency: 30 }, 1_000)).toEqual({ outcome: 'error', latency: 30 });
    expect(clientView({ answer: 'busy', latency: 2 }, 1_000)).toEqual({ outcome: 'busy', latency: 2 });
  });
});

const call = (at: number, outcome: CallRecord['outcome'], latency: number, healthy: boolean): CallRecord => ({
  at,
  outcome,
  latency,
  healthy,
});

describe('measures, on a hand-made log', () => {
  // 40 s at 1 call/s in the scenario's eyes; a fault in [2 s, 5 s).
  const timeline = { duration: 40_000, rate: 1, fault: { start: 2_000, end: 5_000 } };
  const log: SimulationLog = {
    breaker: true,
    calls: [
      call(0, 'success', 50, true),
      call(1_000, 'error', 60, true),
      call(2_000, 'down', 1_000, false),
      call(2_400, 'throttled', 0, false),
      call(2_500, 'down', 1_000, false),
      call(3_000, 'refused', 0, false),
      call(4_000, 'refused', 0, false),
      call(5_000, 'refused', 0, true),
      call(6_000, 'refused', 0, true),
      call(7_000, 'success', 40, true),
      call(8_000, 'success', 30, true),
      call(30_000, 'refused', 0, true),
    ],
    transitions: [
      { at: 2_600, from: 'closed', to: 'open', healthy: false },
      { at: 6_500, from: 'open', to: 'half_open', healthy: true },
      { at: 6_600, from: 'half_open', to: 'closed', healthy: true },
      { at: 25_000, from: 'closed', to: 'open', healthy: true },
      { at: 35_000, from: 'open', to: 'half_open', healthy: true },
      // A failed trial re-opens the breaker: not a flap, it had not closed.
      { at: 35_100, from: 'half_open', to: 'open', healthy: true },
    ],
    probes: [
      { at: 3_000, ok: false },
      { at: 6_500, ok: true },
    ],
    sentInFault: 6,
  };

  it('computes every measure', () => {
    expect(measure(log, timeline)).toEqual({
      goodput: 3 / 40,
      faultGoodput: 0,
      wasted: 2,
      faultLoad: 2,
      p99: 1_000,
      detect: 400,
      recover: 2_000,
      flaps: 1,
      refusedWhileHealthy: 3,
      refusedShare: undefined,
      closedAfter: 1_600,
      probes: 2,
      failedProbes: 1,
    } satisfies Measures);
  });

  it('detects by the first opening when nothing was throttled before it', () => {
    const calls = log.calls.filter((c) => c.outcome !== 'throttled');
    expect(measure({ ...log, calls }, timeline).detect).toBe(600);
    expect(measure({ ...log, calls, transitions: [] }, timeline).detect).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts recovery as 0 when no call is lost after the fault, as never when none succeeds', () => {
    const healthy = log.calls.filter((c) => c.at < 5_000 || c.outcome === 'success');
    expect(measure({ ...log, calls: healthy }, timeline).recover).toBe(0);
    const lost = log.calls.filter((c) => c.at < 7_000);
    expect(measure({ ...log, calls: lost }, timeline).recover).toBe(Number.POSITIVE_INFINITY);
  });

  it('leaves out what does not apply: breaker measures without a breaker, fault measures without a fault', () => {
    const none = measure({ ...log, breaker: false, transitions: [], probes: [] }, timeline);
    expect(none.detect).toBeUndefined();
    expect(none.flaps).toBeUndefined();
    expect(none.refusedWhileHealthy).toBeUndefined();
    expect(none.closedAfter).toBeUndefined();
    const noFault = measure(log, { duration: 40_000, rate: 1 });
    expect(noFault.faultGoodput).toBeUndefined();
    expect(noFault.detect).toBeUndefined();
    expect(noFault.recover).toBeUndefined();
  });

  it('takes the nearest-rank percentile', () => {
    expect(
      percentile(
        Float64Array.from({ length: 100 }, (_, i) => 100 - i),
        0.99,
      ),
    ).toBe(99);
    expect(percentile(Float64Array.of(5), 0.99)).toBe(5);
    expect(percentile(new Float64Array(0), 0.99)).toBe(0);
  });

  it('ends a recovery after 10 s, or 20 calls worth at low traffic, without a lost call', () => {
    expect(recoveryGap(120)).toBe(10_000);
    expect(recoveryGap(0.1)).toBe(200_000);
  });
});

/** A short scenario: 30 s at 100 calls/s, the dependency down in [10 s, 20 s). */
const SHORT: Scenario = {
  id: 'short',
  title: 'short',
  summary: '',
  rate: 100,
  duration: 30_000,
  clientTimeout: 1_000,
  model: MODEL,
  errorRate: 0.001,
  fault: { kind: 'outage', start: 10_000, end: 20_000 },
  breaker: { resetTimeout: 2_000 },
  variants: [noBreaker, fixed],
  claims: [],
};

describe('simulate', () => {
  it('gives the same numbers twice for one seed, other numbers for another seed', async () => {
    for (const variant of [noBreaker, fixed]) {
      const once = await simulate(SHORT, variant, 7);
      const twice = await simulate(SHORT, variant, 7);
      expect(twice).toEqual(once);
      expect(measure(twice, SHORT)).toEqual(measure(once, SHORT));
      const other = await simulate(SHORT, variant, 8);
      expect(measure(other, SHORT)).not.toEqual(measure(once, SHORT));
    }
  });

  it('sends every variant the same arrivals', async () => {
    const none = await simulate(SHORT, noBreaker, 3);
    const breaker = await simulate(SHORT, fixed, 3);
    expect(breaker.calls.map((c) => c.at)).toEqual(none.calls.map((c) => c.at));
    expect(none.calls.length).toBeGreaterThan(2_700);
    expect(none.calls.length).toBeLessThan(3_300);
  });

  it('a fixed breaker opens in the outage, wastes far fewer calls, and closes after it', async () => {
    const none = measure(await simulate(SHORT, noBreaker, 3), SHORT);
    const log = await simulate(SHORT, fixed, 3);
    const breaker = measure(log, SHORT);
    // Without a breaker every call of the outage (about 1,000) waits for the timeout.
    expect(none.wasted).toBeGreaterThan(900);
    expect(none.faultGoodput).toBe(0);
    // The first failures come 1 s into the outage (the timeout); then half the window must fail.
    expect(breaker.detect).toBeGreaterThan(1_000);
    expect(breaker.detect).toBeLessThan(2_500);
    expect(breaker.wasted).toBeLessThan(none.wasted / 4);
    // At worst the last trial left just before the end and timed out 1 s later: 1 s + a 2 s open period.
    expect(breaker.recover).toBeLessThanOrEqual(3_100);
    expect(breaker.closedAfter).toBeLessThanOrEqual(3_100);
    expect(breaker.flaps).toBe(0);
    expect(log.transitions[0]).toMatchObject({ from: 'closed', to: 'open', healthy: false });
    expect(log.transitions.at(-1)).toMatchObject({ to: 'closed', healthy: true });
  });
});

// These run once the build has the features (DESIGN section 10); until then they are skipped.
describe('simulate, with the adaptive-protection features', () => {
  it.skipIf(!hasFeature('throttle'))(
    'a throttled variant gives the same numbers twice for one seed',
    async () => {
      const once = await simulate(SHORT, throttle, 7);
      expect(await simulate(SHORT, throttle, 7)).toEqual(once);
      expect(measure(once, SHORT).wasted).toBeLessThan(
        measure(await simulate(SHORT, noBreaker, 7), SHORT).wasted,
      );
    },
  );

  it.skipIf(!hasFeature('probe'))(
    'a probe recovers a quiet breaker without users, the same way twice for one seed',
    async () => {
      // One call per 10 s; the dependency down in [60 s, 180 s).
      const quiet: Scenario = {
        ...SHORT,
        rate: 0.1,
        duration: 400_000,
        fault: { kind: 'outage', start: 60_000, end: 180_000 },
        breaker: { resetTimeout: 10_000, window: { type: 'count', size: 4 } },
      };
      const log = await simulate(quiet, fixedProbe, 2);
      expect(await simulate(quiet, fixedProbe, 2)).toEqual(log);
      const probed = measure(log, quiet);
      const waited = measure(await simulate(quiet, fixed, 2), quiet);
      expect(probed.probes).toBeGreaterThan(5);
      expect(probed.failedProbes).toBe(probed.probes - log.probes.filter((p) => p.at >= 180_000).length);
      // The probe closes it within an open period and a probe's time of the end, users or not.
      expect(probed.closedAfter).toBeLessThanOrEqual(11_100);
      expect(probed.wasted).toBeLessThan(waited.wasted);
    },
  );
});

describe('features and pending variants', () => {
  it('tells the options this build accepts from those it does not', () => {
    expect(acceptsOptions({ failureRateThreshold: 0.5 })).toBe(true);
    expect(acceptsOptions({ noSuchOption: true })).toBe(false);
    expect(missingFeatures(fixed)).toEqual([]);
  });

  it('reports a variant whose option is missing as pending, and still runs the rest', async () => {
    const impossible: Variant = { ...fixed, id: 'impossible', requires: ['throttle'] };
    const result = await compareVariants({ ...SHORT, variants: [fixed] }, [1]);
    const withPending: ScenarioResult = {
      ...result,
      variants: [
        ...result.variants,
        { variant: impossible, missing: ['throttle'], runs: [], summary: undefined },
      ],
    };
    const table = markdownTable(withPending);
    expect(table).toMatch(/\| impossible +\| pending: option `throttle` not available in this build \|/);
    expect(table).toMatch(/\| fixed +\| +[0-9.]+ \|/);
    const claim: Claim = {
      variant: 'impossible',
      than: 'fixed',
      measure: 'wasted',
      better: 'lower',
      says: 'x',
    };
    expect(check(claim, withPending).verdict).toBe('pending');
  });

  it('runs a variant as soon as the build has its options', async () => {
    const result = await compareVariants({ ...SHORT, variants: [throttle] }, [1]);
    const [only] = result.variants;
    expect(only!.missing.length === 0).toBe(acceptsOptions({ throttle: true }));
    expect(only!.runs.length).toBe(only!.missing.length === 0 ? 1 : 0);
  });
});

/** A variant's results from given values of one measure (the others 0). */
function variantResult(id: string, wasted: readonly number[]): VariantResult {
  const runs = wasted.map(
    (w): Measures => ({
      goodput: 0,
      faultGoodput: 0,
      wasted: w,
      faultLoad: 0,
      refusedShare: 0,
      p99: 0,
      detect: 0,
      recover: 0,
      flaps: 0,
      refusedWhileHealthy: 0,
      closedAfter: 0,
      probes: 0,
      failedProbes: 0,
    }),
  );
  return { variant: { ...fixed, id }, missing: [], runs, summary: summarize(runs) };
}

describe('claims and summaries', () => {
  const result = (a: readonly number[], b: readonly number[]): ScenarioResult => ({
    scenario: SHORT,
    seeds: a.map((_, i) => i + 1),
    variants: [variantResult('a', a), variantResult('b', b)],
  });
  const lower: Claim = {
    variant: 'a',
    than: 'b',
    measure: 'wasted',
    better: 'lower',
    says: 'wastes less than',
  };
  const noHigher: Claim = { ...lower, better: 'no higher', says: 'wastes no more than' };

  it('a claim holds when the difference is consistent over the seeds', () => {
    const verdict = check(lower, result([10, 20, 30, 40], [12, 23, 31, 44]));
    expect(verdict.verdict).toBe('holds');
    expect(verdict.text).toBe('- **holds**: `a` wastes less than `b` (wasted calls: 25 against 27).');
  });

  it('is within the noise when the seeds disagree, and does not hold when it is the other way round', () => {
    expect(check(lower, result([10, 30, 20, 40], [20, 20, 30, 30])).verdict).toBe('within the noise');
    const worse = check(lower, result([12, 23, 31, 44], [10, 20, 30, 40]));
    expect(worse.verdict).toBe('does not hold');
    expect(worse.text).toMatch(/the difference is \+2\.5 ± 0\.6 per seed/);
  });

  it('a "no higher" claim allows 10% and its tolerance, and no more', () => {
    expect(check(noHigher, result([105, 210, 315], [100, 200, 300])).verdict).toBe('holds');
    expect(check(noHigher, result([150, 250, 350], [100, 200, 300])).verdict).toBe('does not hold');
    expect(check({ ...noHigher, tolerance: 60 }, result([150, 250, 350], [100, 200, 300])).verdict).toBe(
      'holds',
    );
    expect(check(noHigher, result([7, 0, 30, 0], [0, 0, 0, 0])).verdict).toBe('within the noise');
  });

  it('names a variant the scenario does not have', () => {
    expect(() => check({ ...lower, than: 'nobody' }, result([1], [2]))).toThrow(
      /Expected a variant of scenario `short`, got `nobody`/,
    );
  });

  it('pairs the seeds', () => {
    expect(pairedDifference([3, 5, 7], [1, 2, 3])).toEqual({ mean: 3, error: Math.sqrt(1 / 3) });
    expect(pairedDifference([1], [2])).toBeUndefined();
    expect(pairedDifference([1, Number.POSITIVE_INFINITY], [2, 3])).toBeUndefined();
  });

  it('summarises with the median, min and max, Infinity included', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(median([1, Number.POSITIVE_INFINITY])).toBe(Number.POSITIVE_INFINITY);
    const summary = summarize(variantResult('x', [5, 1, 3]).runs);
    expect(summary.wasted).toEqual({ median: 3, min: 1, max: 5 });
    expect(markdownTable(result([1, 3], [2, 2]), showRange)).toMatch(/\| a +\|.*\| +1–3 \|/);
  });

  it('the headline table has a row per variant, the medians each scenario is about, and marks the rest', () => {
    const outage = { ...result([10, 20, 30], [40, 50, 60]), scenario: { ...SHORT, id: 'outage' } };
    const pending: VariantResult = {
      variant: { ...fixed, id: 'c' },
      missing: ['probe'],
      runs: [],
      summary: undefined,
    };
    const quiet = { ...result([1, 2, 3], [4, 5, 6]), scenario: { ...SHORT, id: 'quiet' } };
    const table = headlineTable([outage, { ...quiet, variants: [quiet.variants[0]!, pending] }]);
    const lines = table.split('\n');
    expect(lines[0]).toBe(
      '| variant | outage: wasted calls | outage: detect s | outage: recover s | quiet: wasted calls | quiet: closed after s |',
    );
    expect(lines[2]).toBe('| a | 20 | 0.0 | 0.0 | 2 | 0.0 |');
    expect(lines[3]).toBe('| b | 50 | 0.0 | 0.0 | · | · |');
    expect(lines[4]).toBe('| c | · | · | · | pending | pending |');
  });

  it('formats rates and durations for the tables', () => {
    expect(formatRate(95.8166)).toBe('95.8');
    expect(formatRate(0.08888)).toBe('0.0889');
    expect(formatRate(0)).toBe('0');
    expect(formatSeconds(1_525)).toBe('1.5');
    expect(formatSeconds(Number.POSITIVE_INFINITY)).toBe('never');
  });
});

describe('npm run simulate', () => {
  it('runs one scenario and prints its table without writing the report', async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/simulate/run.ts', '--scenario', 'quiet', '--seeds', '2'],
      { cwd: root },
    );
    expect(stdout).toMatch(/Hard outage of a quiet service/);
    expect(stdout).toMatch(/\| fixed +\| +[0-9.]+ \|/);
    expect(stdout).toMatch(/bench\/simulation\.md not written/);
  });
});

describe('the concurrency-limit and retry additions', () => {
  it('counts a call refused by a limit as refused, as detection, and in the share refused after settling', () => {
    const timeline = { duration: 10_000, rate: 1, fault: { start: 4_000, end: 6_000 }, settledAfter: 2_000 };
    const log: SimulationLog = {
      breaker: true,
      calls: [
        call(0, 'limited', 0, true), // before settling: not in the share
        call(2_000, 'success', 10, true),
        call(3_000, 'limited', 0, true),
        call(4_500, 'limited', 0, false), // in the fault: detection, not in the share
        call(5_000, 'timeout', 1_000, false),
        call(7_000, 'success', 10, true),
        call(8_000, 'success', 10, true),
      ],
      transitions: [],
      probes: [],
      sentInFault: 1,
    };
    const m = measure(log, timeline);
    expect(m.refusedWhileHealthy).toBe(2);
    expect(m.refusedShare).toBe(25);
    expect(m.detect).toBe(500);
    expect(m.faultLoad).toBe(0.5);
  });

  /** A brown-out to 40% of 30 s at 100 calls/s. */
  const BROWNOUT: Scenario = {
    ...SHORT,
    fault: { kind: 'brownout', start: 10_000, end: 20_000, capacity: 0.4 },
  };

  it('clients that retry send more load, a shared budget bounds it, and each call counts once, in arrival order', async () => {
    const once = measure(await simulate(BROWNOUT, noRetries, 4), BROWNOUT);
    const storm = await simulate(BROWNOUT, retries, 4);
    expect(await simulate(BROWNOUT, retries, 4)).toEqual(storm);
    const budgeted = measure(await simulate(BROWNOUT, retriesBudget, 4), BROWNOUT);
    const stormed = measure(storm, BROWNOUT);
    expect(once.faultLoad).toBeCloseTo(100, -1);
    expect(stormed.faultLoad!).toBeGreaterThan(2 * once.faultLoad!);
    expect(budgeted.faultLoad!).toBeLessThan(once.faultLoad! * 1.3);
    const none = await simulate(BROWNOUT, noRetries, 4);
    expect(storm.calls.map((c) => c.at)).toEqual(none.calls.map((c) => c.at));
    // A retried call that failed every time waited for all its attempts.
    expect(Math.max(...storm.calls.map((c) => c.latency))).toBeGreaterThan(3_000);
  });

  it('a fixed limit refuses what it cannot hold as `limited`; the adaptive limit keeps more goodput in the brown-out than no breaker, the same way twice', async () => {
    const log = await simulate(BROWNOUT, bulkhead(2), 4);
    expect(log.calls.some((c) => c.outcome === 'limited')).toBe(true);
    // A minute of brown-out at 120 calls/s: long enough for the queue to collapse without a limit.
    const long: Scenario = {
      ...SHORT,
      rate: 120,
      duration: 100_000,
      fault: { kind: 'brownout', start: 20_000, end: 80_000, capacity: 0.4 },
    };
    const none = measure(await simulate(long, noBreaker, 4), long);
    const limited = await simulate(long, limit, 4);
    expect(await simulate(long, limit, 4)).toEqual(limited);
    expect(none.faultGoodput!).toBeLessThan(20);
    expect(measure(limited, long).faultGoodput!).toBeGreaterThan(60);
  });

  it('checks a bound on a variant: the median decides, the text gives the range and the seeds that met it', () => {
    const result: ScenarioResult = {
      scenario: SHORT,
      seeds: [1, 2, 3],
      variants: [variantResult('a', [60, 75, 80])],
    };
    const claim: Claim = {
      variant: 'a',
      measure: 'wasted',
      bound: 'at least',
      value: 70,
      says: 'wastes at least 70',
    };
    const holds = check(claim, result);
    expect(holds.verdict).toBe('holds');
    expect(holds.text).toBe(
      '- **holds**: `a` wastes at least 70 (wasted calls: 75, 60–80 over the seeds; met on 2 of 3 seeds).',
    );
    expect(check({ ...claim, bound: 'below', says: 'x' }, result).verdict).toBe('does not hold');
    expect(check({ ...claim, bound: 'at most', value: 75, says: 'x' }, result).verdict).toBe('holds');
    const pending: ScenarioResult = {
      ...result,
      variants: [{ variant: { ...fixed, id: 'a' }, missing: ['limit'], runs: [], summary: undefined }],
    };
    expect(check(claim, pending).text).toMatch(
      /^- not measured yet: `a` wastes at least 70 \(pending: option `maxConcurrentCalls: \{ adaptive: true \}`/,
    );
  });
});
