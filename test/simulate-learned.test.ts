import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BernoulliClient } from '../bench/simulate/BernoulliClient.js';
import { compareVariants } from '../bench/simulate/compare.js';
import { type LearnedResult, learnedSection } from '../bench/simulate/learnedThreshold.js';
import { forSeed, type Scenario } from '../bench/simulate/Scenario.js';
import { MODEL } from '../bench/simulate/scenarios.js';
import { fixed, noBreaker } from '../bench/simulate/Variant.js';

// The simulation's parts for the learned threshold (bench/simulate/learnedThreshold.ts) and the
// brown-out whose end is drawn per seed.

const JITTERED: Scenario = {
  id: 'jittered',
  title: 'jittered',
  summary: '',
  rate: 100,
  duration: 40_000,
  clientTimeout: 1_000,
  model: MODEL,
  errorRate: 0.001,
  fault: { kind: 'outage', start: 10_000, end: 20_000, endJitter: 10_000 },
  breaker: { resetTimeout: 2_000 },
  variants: [noBreaker, fixed],
  claims: [],
};

describe('a fault whose end is drawn per seed', () => {
  it('ends within [end, end + endJitter), the same for a seed, elsewhere for another', () => {
    const ends = [1, 2, 3, 4, 5].map((seed) => forSeed(JITTERED, seed).fault!.end);
    for (const end of ends) {
      expect(end).toBeGreaterThanOrEqual(20_000);
      expect(end).toBeLessThan(30_000);
    }
    expect(new Set(ends).size).toBe(5);
    expect(forSeed(JITTERED, 3).fault!.end).toBe(ends[2]);
    const plain: Scenario = { ...JITTERED, fault: { kind: 'outage', start: 10_000, end: 20_000 } };
    expect(forSeed(plain, 3)).toBe(plain);
  });

  it('every variant of a seed runs and is measured with that seed’s end', async () => {
    const result = await compareVariants(JITTERED, [1, 2]);
    for (const [i, seed] of [1, 2].entries()) {
      const end = forSeed(JITTERED, seed).fault!.end;
      // Without a breaker every call of the outage is wasted: as many as arrived before its end.
      const wasted = result.variants[0]!.runs[i]!.wasted;
      expect(wasted).toBeGreaterThan(((end - 10_000) / 1000) * 100 * 0.85);
      expect(wasted).toBeLessThan(((end - 10_000) / 1000) * 100 * 1.15);
    }
  });
});

describe('the learned threshold’s section', () => {
  const result = (opens25: number, median16: number): LearnedResult => ({
    seeds: [1, 2, 3],
    falseOpens: [
      { rate: 0.08, calls: 1e7, opens: 0, learningOpens: 0 },
      { rate: 0.25, calls: 1e7, opens: opens25, learningOpens: 1 },
    ],
    eager: [
      { rate: 0.08, calls: 2e6, opens: 40, learningOpens: 0 },
      { rate: 0.25, calls: 2e6, opens: 0, learningOpens: 0 },
    ],
    detection: [
      { to: 0.16, within: 600, delays: [400, median16, 900] },
      { to: 1, within: 30, delays: [25, 26, Number.POSITIVE_INFINITY] },
    ],
  });

  it('checks each claim: at most one false open per 10^7 calls, each median within its goal', () => {
    const { verdicts } = learnedSection(result(1, 500));
    expect(verdicts.map((v) => v.verdict)).toEqual(['holds', 'holds', 'holds', 'holds']);
    const failing = learnedSection(result(2, 601)).verdicts;
    expect(failing.map((v) => v.verdict)).toEqual(['holds', 'does not hold', 'does not hold', 'holds']);
    expect(failing[1]!.text).toBe(
      '- **does not hold**: at a learned 25% it opens at most once per 10^7 calls (2 in 10^7).',
    );
    expect(failing[2]!.text).toBe(
      '- **does not hold**: from a learned 8% it catches 16% within a median of 600 calls (601).',
    );
  });

  it('shows the counts, the extrapolation from h/2, the medians and their range', () => {
    const { markdown } = learnedSection(result(0, 500));
    // 40 in 2·10^6 at h/2, times e^-9.2: one per 5·10^8 calls, about 6 days at 1,000 calls/s; the
    // ceiling at 8% is far rarer.
    expect(markdown).toContain(
      '| 8% | 0 in 10^7 | 0 | 40 in 2·10^6 | ≈ 5.0·10^8 | 9.8·10^27 | ≈ 5.0·10^8 calls (6 days) |',
    );
    // None at h/2: a bound (3 in 2·10^6); at 25% the ceiling (1.7·10^-8 per call) dominates.
    expect(markdown).toContain(
      '| 25% | 0 in 10^7 | 1 | 0 in 2·10^6 | more than 6.7·10^9 | 5.9·10^7 | more than 5.9·10^7 calls (16 h) |',
    );
    expect(markdown).toMatch(/\| 8% → 16% \| 500 \| 400–900 \| 600 \|/);
    expect(markdown).toMatch(/\| 8% → 100% \| 26 \| 25–never \| 30 \|/);
  });
});

describe('BernoulliClient', () => {
  it('gives the same outcomes for a seed, counts openings, and refuses to call an open breaker', () => {
    const a = new BernoulliClient(4);
    const b = new BernoulliClient(4);
    a.run(0.08, 5_000);
    b.run(0.08, 5_000);
    expect(a.breaker.metrics().failedCalls).toBe(b.breaker.metrics().failedCalls);
    expect(a.breaker.metrics().failedCalls).toBeGreaterThan(300);
    const calls = a.untilOpen(1, 100);
    expect(calls).toBeLessThanOrEqual(30);
    expect(a.opens).toBe(1);
    expect(() => a.call(0)).toThrow('Expected a closed breaker, got `open`');
  });
});

describe('npm run simulate -- --scenario learned', () => {
  it('measures the learned threshold alone and prints its section without writing the report', async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/simulate/run.ts',
        '--scenario',
        'learned',
        '--seeds',
        '2',
        '--false-open-calls',
        '20000',
      ],
      { cwd: root },
    );
    expect(stdout).toMatch(/## The learned failure-rate threshold/);
    expect(stdout).toMatch(/\| 8% → 30% \| [0-9.]+ \|/);
    expect(stdout).toMatch(/bench\/simulation\.md not written/);
  }, 60_000); // about 10 s alone (a process, and ~10^6 calls through the public API)
});
