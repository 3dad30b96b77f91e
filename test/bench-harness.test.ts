import { afterEach, describe, expect, it, vi } from 'vitest';
import { observed, seen, stillOpen } from '../bench/lib/floors.js';
import {
  CHUNK,
  calibrate,
  cpuNow,
  interleave,
  MIN_ROUNDS,
  noteOf,
  pendingRow,
  type Row,
  roundsFor,
  row,
  timeBatch,
  valueRow,
} from '../bench/lib/measure.js';
import { failuresAlone, overshoot } from '../bench/lib/overshoot.js';
import { pool } from '../bench/lib/pool.js';
import { commandCalls, cpuSeconds } from '../bench/lib/redis-server.js';
import { balancedOrders, fmt, median, quantile, ratio, ratios, spread } from '../bench/lib/stats.js';
import { cells, markdownTable, verdict } from '../bench/lib/table.js';

describe('bench harness statistics', () => {
  it('median takes the middle sample, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('quantile interpolates between ranks and leaves its input unsorted', () => {
    const samples = [40, 10, 30, 20, 50];
    expect(quantile(samples, 0)).toBe(10);
    expect(quantile(samples, 1)).toBe(50);
    expect(quantile(samples, 0.25)).toBe(20);
    expect(quantile([0, 10], 0.75)).toBe(7.5);
    expect(samples).toEqual([40, 10, 30, 20, 50]);
  });

  it('spread is the interquartile range relative to the median, with min and max', () => {
    const s = spread([1, 2, 3, 4, 5]);
    expect(s).toEqual({ min: 1, max: 5, p25: 2, p75: 4, relative: 2 / 3 });
    expect(spread([5, 5, 5]).relative).toBe(0);
  });

  it('ratio pairs each run with the floor of the same run, then takes the median', () => {
    expect(ratios([2, 6, 3], [1, 2, 3])).toEqual([2, 3, 1]);
    const r = ratio([2, 6, 3], [1, 2, 3]);
    expect(r.ratio).toBe(2);
    expect(r.spread.min).toBe(1);
    expect(r.spread.max).toBe(3);
    expect(() => ratios([1, 2], [1])).toThrow(RangeError);
  });

  it('fmt keeps about three significant figures', () => {
    expect(fmt(1.234)).toBe('1.23');
    expect(fmt(12.34)).toBe('12.3');
    expect(fmt(1234.5)).toBe('1,235');
    expect(fmt(0.01234)).toBe('0.012');
  });
});

describe('balanced orders (a Williams design)', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'with %i variants, each takes every position and follows every other equally often',
    (n) => {
      const orders = balancedOrders(n);
      expect(orders).toHaveLength(n % 2 === 0 ? n : 2 * n);
      const positions = new Map<string, number>();
      const follows = new Map<string, number>();
      for (const order of orders) {
        expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        order.forEach((item, position) => {
          const key = `${item}@${position}`;
          positions.set(key, (positions.get(key) ?? 0) + 1);
          if (position > 0) {
            const pair = `${order[position - 1]}>${item}`;
            follows.set(pair, (follows.get(pair) ?? 0) + 1);
          }
        });
      }
      expect(positions.size).toBe(n * n);
      expect(new Set(positions.values()).size).toBe(1);
      expect(follows.size).toBe(n * (n - 1));
      expect(new Set(follows.values()).size).toBeLessThanOrEqual(1);
    },
  );

  it('refuses a count that is not a whole number', () => {
    expect(() => balancedOrders(-1)).toThrow(RangeError);
    expect(() => balancedOrders(2.5)).toThrow(/`n`.*`2.5`/);
  });
});

/** A variant whose batches "take" `nsPerOp` each: it reports its own time, so the test is exact. */
function selfTimed(name: string, nsPerOp: number, log?: string[]) {
  return {
    name,
    run: (n: number) => {
      log?.push(name);
      return n * nsPerOp;
    },
  };
}

describe('bench harness measurement', () => {
  it('rounds are at least MIN_ROUNDS (>= 15) and a whole number of passes through the balanced orders', () => {
    expect(MIN_ROUNDS).toBeGreaterThanOrEqual(15);
    expect(roundsFor(4, 30)).toBe(32);
    expect(roundsFor(6, 30)).toBe(30);
    expect(roundsFor(7, 30)).toBe(42);
    expect(roundsFor(3, 15)).toBe(18);
    expect(roundsFor(5)).toBe(Math.ceil(MIN_ROUNDS / 10) * 10);
    expect(roundsFor(1, 30)).toBe(30);
    expect(() => roundsFor(0)).toThrow(RangeError);
  });

  it('a batch calls run() with at most CHUNK operations at a time, so no loop runs on OSR code alone', async () => {
    const calls: number[] = [];
    const run = (n: number) => {
      calls.push(n);
      return n * 7;
    };
    const ns = await timeBatch({ name: 'a', run }, 2 * CHUNK + 500);
    expect(calls).toEqual([CHUNK, CHUNK, 500]);
    expect(ns).toBe(7);
  });

  it('a batch is timed per operation, or by what the variant reports it timed itself', async () => {
    expect(await timeBatch(selfTimed('a', 250), 8)).toBe(250);
    expect(await timeBatch({ name: 'async', run: async (n) => n * 10 }, 4)).toBe(10);
    let sink = 0;
    const work = () => {
      for (let i = 0; i < 5_000_000; i++) sink += i % 7;
    };
    const cpu = await timeBatch({ name: 'sync', run: work }, 1);
    expect(sink).toBeGreaterThan(0);
    expect(cpu).toBeGreaterThan(100_000); // millions of iterations take well over 0.1 ms of CPU
  });

  it('batches are timed in CPU time, which only grows while the process works', () => {
    const before = cpuNow();
    let sink = 0;
    for (let i = 0; i < 5_000_000; i++) sink += i % 3;
    expect(sink).toBeGreaterThan(0);
    expect(cpuNow()).toBeGreaterThan(before);
  });

  it('calibration picks the batch size that takes about batchMs', async () => {
    // 0.1 ms per operation: 16 ops take 1.6 ms (below a quarter of 20 ms), 64 take 6.4 ms.
    expect(await calibrate(selfTimed('slow', 100_000), 20)).toBe(200);
  });

  it('interleave returns one sample per measured round, in the balanced orders', async () => {
    const log: string[] = [];
    const variants = [selfTimed('a', 10, log), selfTimed('b', 30, log), selfTimed('c', 20, log)];
    const samples = await interleave(variants, { n: 5, warmup: 1, rounds: 6 });
    expect(samples).toEqual({
      a: Array(6).fill(10),
      b: Array(6).fill(30),
      c: Array(6).fill(20),
    });
    const measured = log.slice(3); // the warm-up round first
    const names = ['a', 'b', 'c'];
    expect(measured).toEqual(balancedOrders(3).flatMap((order) => order.map((i) => names[i])));
    expect(ratio(samples.b ?? [], samples.a ?? []).ratio).toBe(3);
  });

  it('interleave calibrates every variant before measuring it', async () => {
    const sizes: Record<string, number[]> = { fast: [], slow: [] };
    const variant = (name: 'fast' | 'slow', ns: number) => ({
      name,
      run: (n: number) => {
        sizes[name]?.push(n);
        return n * ns;
      },
    });
    await interleave([variant('fast', 1000), variant('slow', 100_000)], {
      warmup: 0,
      rounds: 2,
      batchMs: 20,
    });
    // 20 ms at 1 µs per operation: 20,000 operations a batch, in calls of CHUNK.
    expect(sizes.fast?.slice(-40)).toEqual(Array(40).fill(CHUNK));
    expect(sizes.slow?.slice(-2)).toEqual([200, 200]);
  });

  it('a row gives the median value, the median per-round ratio and its spread', () => {
    const r = row('closed, success', 'breakwater', [130, 120, 150], [100, 100, 100], 'F1', {
      target: 1.25,
      also: { floor: [50, 60, 60], name: 'bare `await`' },
      note: 'extra',
    });
    expect(r).toMatchObject({ value: 130, ratio: 1.3, ratioMin: 1.2, ratioMax: 1.5, floor: 'F1', runs: 3 });
    expect(r.target).toBe(1.25);
    expect(noteOf(r)).toBe('2.50x bare `await`; extra');
    expect(row('s', 'v', [2000, 4000], [1000, 1000], 'bare', { scale: 1000 }).value).toBe(3);
  });

  it('value and pending rows carry no ratio', () => {
    expect(valueRow('heap', 'breakwater', 600, 'B', { target: 512 })).toEqual({
      scenario: 'heap',
      variant: 'breakwater',
      value: 600,
      unit: 'B',
      runs: 1,
      target: 512,
    });
    const p = pendingRow('Redis store: hot path vs memory mode', 'x', 'pending', 1.1);
    expect(p.value).toBeNull();
    expect(p.ratio).toBeUndefined();
  });
});

describe('pooling the processes of a group', () => {
  it('pools the per-round ratios of every process before taking the median', () => {
    // One process in a bad state (ratio 2) among two good ones (1.1): the pooled median stays 1.1.
    const good = () => [
      row('s', 'breakwater', [110, 110], [100, 100], 'F1', { also: { floor: [50, 50], name: 'bare' } }),
    ];
    const bad = [
      row('s', 'breakwater', [200, 200], [100, 100], 'F1', { also: { floor: [50, 50], name: 'bare' } }),
    ];
    const [pooled] = pool([good(), bad, good()]);
    expect(pooled).toMatchObject({ ratio: 1.1, value: 110, runs: 6, ratioMin: 1.1, ratioMax: 2 });
    expect(noteOf(pooled as Row)).toBe('2.20x bare');
    expect(pooled?.spread).toBe(spread([1.1, 1.1, 2, 2, 1.1, 1.1]).relative);
  });

  it('value rows take the median value, one process is passed through, and rows must line up', () => {
    const v = (value: number) => [valueRow('heap', 'breakwater', value, 'B')];
    expect(pool([v(600), v(700), v(650)])[0]?.value).toBe(650);
    const only = v(600);
    expect(pool([only])).toBe(only);
    expect(pool([])).toEqual([]);
    expect(() => pool([v(1), [valueRow('other', 'breakwater', 1, 'B')]])).toThrow(/row 0/);
  });
});

describe('bench results table', () => {
  const base: Row = { scenario: 's', variant: 'breakwater', value: 100, unit: 'ns/op', runs: 30 };

  it('a target is met at or below it (or at or above it, where higher is better)', () => {
    expect(verdict({ ...base, ratio: 1.25, target: 1.25 })).toBe('yes');
    expect(verdict({ ...base, ratio: 1.26, target: 1.25 })).toBe('no');
    expect(verdict({ ...base, value: 600, target: 512 })).toBe('no');
    expect(verdict({ ...base, value: 0.96, target: 0.95, higherIsBetter: true })).toBe('yes');
    expect(verdict({ ...base, value: 0.94, target: 0.95, higherIsBetter: true })).toBe('no');
    expect(verdict({ ...base, ratio: Number.NaN, target: 1 })).toBe('no');
    expect(verdict({ ...base, ratio: 1 })).toBe('');
    expect(verdict({ ...base, value: null, target: 1 })).toBe('');
  });

  it("cells name the floor, put breakwater's targets in bold and show pending scenarios", () => {
    const r: Row = {
      ...base,
      ratio: 1.3,
      floor: 'F1',
      spread: 0.1,
      ratioMin: 1.2,
      ratioMax: 1.5,
      target: 1.25,
    };
    expect(cells(r)).toEqual([
      's',
      '**breakwater**',
      '100 ns/op',
      '1.30x F1',
      '±5% (1.20–1.50)',
      '<= 1.25x F1',
      'no',
      '',
    ]);
    expect(cells({ ...base, variant: 'cockatiel', ratio: 2, floor: 'F1' })[1]).toBe('cockatiel');
    expect(cells({ ...base, value: null, target: 10, unit: 'ms' }).slice(2, 7)).toEqual([
      'pending',
      '',
      '',
      '<= 10 ms',
      '',
    ]);
  });

  it('the markdown table has a header and escapes pipes', () => {
    const table = markdownTable([{ ...base, note: 'a | b' }]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\| Scenario \| Variant \| Median \| Ratio to floor/);
    expect(lines[2]).toContain('a \\| b');
  });
});

describe('bench floors', () => {
  it("F1 returns fn's own promise and counts each outcome once", async () => {
    const before = { ...seen };
    const p = Promise.resolve(1);
    expect(observed(() => p)).toBe(p);
    const error = new Error('boom');
    await expect(observed(() => Promise.reject(error))).rejects.toBe(error);
    await Promise.resolve();
    expect(seen.succeeded - before.succeeded).toBe(1);
    expect(seen.failed - before.failed).toBe(1);
  });

  it('C1 compares the clock with the end of the open period', () => {
    expect(stillOpen({ until: performance.now() + 60_000 })).toBe(true);
    expect(stillOpen({ until: performance.now() - 1 })).toBe(false);
  });
});

describe('bench floor T2 (the least a timed call can do)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** T2 reads `performance` once, at import: load a fresh copy after the fake timers are installed. */
  async function fakeT2() {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    vi.resetModules();
    return import('../bench/lib/t2.js');
  }

  it("settles with fn's outcome and unlinks the call from its bucket", async () => {
    const { timed, linkedCalls } = await import('../bench/lib/t2.js');
    let release: (value: string) => void = () => {};
    const pending = timed(() => new Promise<string>((resolve) => (release = resolve)), 60_000);
    const failing = timed(() => Promise.reject(new Error('boom')), 60_000);
    expect(linkedCalls()).toBe(2);
    await expect(failing).rejects.toThrow('boom');
    expect(linkedCalls()).toBe(1);
    release('done');
    await expect(pending).resolves.toBe('done');
    expect(linkedCalls()).toBe(0);
  });

  it('rejects once the deadline passes, never earlier, and ignores a late outcome', async () => {
    const { timed, TimeoutError, linkedCalls } = await fakeT2();
    let release: (value: string) => void = () => {};
    const call = timed(() => new Promise<string>((resolve) => (release = resolve)), 15);
    let outcome: unknown;
    call.then(
      (value) => (outcome = value),
      (error: unknown) => (outcome = error),
    );
    await vi.advanceTimersByTimeAsync(14);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(20); // the 10 ms grain rounds the deadline up
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(linkedCalls()).toBe(0);
    release('late');
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toBeInstanceOf(TimeoutError);
  });

  it('calls in the same grain share one bucket and one timer', async () => {
    const { timed, linkedCalls } = await fakeT2();
    const never = () => new Promise<never>(() => {});
    const calls = [timed(never, 100), timed(never, 100), timed(never, 100)];
    for (const call of calls) call.catch(() => {});
    expect(linkedCalls()).toBe(3);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(120);
    expect(linkedCalls()).toBe(0);
    await Promise.all(calls.map((call) => expect(call).rejects.toThrow('Timed out after 100 ms')));
  });
});

describe('the Redis scenarios’ arithmetic', () => {
  const log = (calls: string, start = 0) => ({
    at: [...calls].map((_, i) => start + i * 10),
    failed: [...calls].map((c) => (c === 'F' ? 1 : 0)),
  });

  it('overshoot: the consecutive rule is crossed by the threshold-th failure across the fleet, in time order', () => {
    // Three instances, one call each 10 ms, offset by 1 and 2 ms; failures from t = 20.
    const logs = [log('ssFFFF', 0), log('ssFFF', 1), log('ssFFFF', 2)];
    const result = overshoot(logs, [55, 60, 70], { failureThreshold: 5, minimumCalls: 1 });
    // Failures at 20, 21, 22, 30, 31 (the 5th: the crossing), then 32, 40, 41, 42, 50, 52.
    expect(result.crossedAt).toBe(31);
    expect(result.after).toBe(6);
    expect(result.failures).toBe(11);
    expect(result.allOpenAfter).toBe(70 - 31);
  });

  it('overshoot: a success between failures restarts the run', () => {
    const result = overshoot([log('FFFFsFFFFF')], [100], { failureThreshold: 5, minimumCalls: 1 });
    expect(result.crossedAt).toBe(90);
    expect(result.after).toBe(0);
  });

  it('overshoot: the rate rule waits for minimumCalls, then for the rate', () => {
    // 4 successes, then failures: at 6 calls the rate is 2/6; at 8 calls 4/8 = 0.5 (the crossing).
    const result = overshoot([log('ssssFFFFFF')], [100], { failureRateThreshold: 0.5, minimumCalls: 6 });
    expect(result.crossedAt).toBe(70);
    expect(result.after).toBe(2);
    // With minimumCalls 10, the gate decides: the 10th call, though the rate held from the 8th.
    expect(
      overshoot([log('ssssFFFFFF')], [100], { failureRateThreshold: 0.5, minimumCalls: 10 }).crossedAt,
    ).toBe(90);
  });

  it('overshoot: a rule never crossed has no crossing and no overshoot', () => {
    const result = overshoot([log('sFFs')], [40], { failureThreshold: 5, minimumCalls: 1 });
    expect(result.crossedAt).toBeNaN();
    expect(result.after).toBe(0);
    expect(result.failures).toBe(2);
    expect(() => overshoot([], [], { minimumCalls: 1 })).toThrow(RangeError);
    expect(() => overshoot([], [], { failureThreshold: 5, minimumCalls: 0 })).toThrow(/minimumCalls/);
  });

  it('failuresAlone: what one instance would send with no store, on its own rule', () => {
    // Cut short by the fleet's open after 2 failures: alone it needs 5 in a row.
    expect(failuresAlone(log('sssFF'), { failureThreshold: 5, minimumCalls: 1 })).toBe(5);
    // Its log already crossed its own rule: what it sent until then.
    expect(failuresAlone(log('FFFFFFF'), { failureThreshold: 5, minimumCalls: 1 })).toBe(5);
    // 6 successes and a rate of 0.5 over at least 20 calls: 14 failures.
    expect(failuresAlone(log('ssssssFF'), { failureRateThreshold: 0.5, minimumCalls: 20 })).toBe(14);
    // 30 successes: the rate needs as many failures.
    expect(failuresAlone(log('s'.repeat(30)), { failureRateThreshold: 0.5, minimumCalls: 20 })).toBe(30);
  });

  it('INFO commandstats and INFO cpu are parsed as Redis 7 prints them', () => {
    const stats = [
      '# Commandstats',
      'cmdstat_evalsha:calls=120,usec=4000,usec_per_call=33.33,rejected_calls=0,failed_calls=0',
      'cmdstat_hincrby:calls=360,usec=300,usec_per_call=0.83,rejected_calls=0,failed_calls=0',
      'cmdstat_client|setinfo:calls=2,usec=1,usec_per_call=0.50,rejected_calls=0,failed_calls=0',
      '',
    ].join('\r\n');
    expect(commandCalls(stats)).toEqual({ evalsha: 120, hincrby: 360, 'client|setinfo': 2 });
    const cpu =
      '# CPU\r\nused_cpu_sys:1.250000\r\nused_cpu_user:2.500000\r\nused_cpu_sys_children:0.000000\r\n';
    expect(cpuSeconds(cpu)).toBeCloseTo(3.75, 9);
  });
});
