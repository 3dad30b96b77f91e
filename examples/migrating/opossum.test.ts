import { CircuitBreaker, FakeClock } from 'breakwater';
import { describe, expect, it } from 'vitest';
import { createPriceService as ported } from './opossum.js';
import { createPriceService as original } from './opossum-original.js';
import type { PriceService } from './priceService.js';
import { type Driven, type Step, sideBySide } from './script.js';

/** The opossum program, and its port, as the side-by-side run drives them. */
const driven = <S extends PriceService>(create: Driven<S>['create']): Driven<S> => ({
  create,
  call: (service) =>
    service
      .price('sku-1')
      .then(String, (error: { code?: string }) => `rejected: ${error.code ?? String(error)}`),
  read: (service) => service.stats(),
  stop: (service) => service.shutdown(),
});
const opossum = driven((dependency, log) => original(dependency.call, log));
const port = driven((dependency, log, clock) => ported(dependency.call, log, clock));

/**
 * How long a hanging call is left: the 3 s timeout, plus the up to max(10 ms, 1%) by which breakwater
 * may fire a timeout late (its timeouts share one timer per deadline bucket).
 */
const HANG = 3000 + 30;

const both = async (script: readonly Step[]) => {
  const traces = await sideBySide(opossum, port, script, HANG);
  return { opossum: traces.original, port: traces.port };
};

describe('examples/migrating/opossum.ts behaves as the opossum program it ports', () => {
  it('opens on the first failure, fails fast with the fallback, recovers through one trial, counts a timeout', async () => {
    const unavailable = 'sku-1: price unavailable';
    const script: Step[] = [
      { call: 'fail' }, // 1 of 1 failed, over the 50% with no volume threshold: open
      { call: 'ok', count: 2 }, // refused while open: the fallback, the dependency untouched
      { read: true },
      { wait: 29_999 },
      { wait: 1 }, // resetTimeout: half-open, on time
      { call: 'fail' }, // the trial fails: open again
      { wait: 30_000 },
      { call: 'ok', count: 2 }, // one trial at a time: the second is refused; the trial closes it
      { call: 'ok' },
      { wait: 10_000 }, // the rolling window forgets
      { call: 'hang' }, // a timeout (3 s) is a failure: 1 of 1, open
      { call: 'ok' },
    ];
    const { opossum, port } = await both(script);
    expect(port).toEqual(opossum);
    // And what they both did, spelled out:
    expect(opossum.map(({ results, log, reached }) => ({ results, log, reached }))).toEqual([
      { results: [unavailable], log: ['open', `fallback: ${unavailable}`], reached: 1 },
      {
        results: [unavailable, unavailable],
        log: [`fallback: ${unavailable}`, `fallback: ${unavailable}`],
        reached: 0,
      },
      { results: [], log: [], reached: 0 },
      { results: [], log: [], reached: 0 },
      { results: [], log: ['halfOpen'], reached: 0 },
      { results: [unavailable], log: ['open', `fallback: ${unavailable}`], reached: 1 },
      { results: [], log: ['halfOpen'], reached: 0 },
      { results: ['42', unavailable], log: [`fallback: ${unavailable}`, 'close'], reached: 1 },
      { results: ['42'], log: [], reached: 1 },
      { results: [], log: [], reached: 0 },
      { results: [unavailable], log: ['open', `fallback: ${unavailable}`], reached: 1 },
      { results: [unavailable], log: [`fallback: ${unavailable}`], reached: 0 },
    ]);
    expect(opossum[2]?.figures).toEqual({
      fires: 3,
      successes: 0,
      failures: 1,
      rejects: 2,
      timeouts: 0,
      fallbacks: 3,
    });
  });

  it('where they differ: at exactly 50% failing, opossum (above the percentage) stays closed and breakwater (at the share) opens', async () => {
    const { opossum, port } = await both([{ call: 'ok' }, { call: 'fail' }]);
    expect(opossum[1]?.log).toEqual(['fallback: sku-1: price unavailable']);
    expect(port[1]?.log).toEqual(['open', 'fallback: sku-1: price unavailable']);
  });

  it('why the port states the window: with breakwater’s defaults (the last 100 calls, 10 before a rate may trip) it would not open', async () => {
    const clock = new FakeClock();
    const naive = new CircuitBreaker({
      clock,
      timeout: 3000,
      failureRateThreshold: 0.5,
      resetTimeout: 30_000,
    });
    for (let i = 0; i < 9; i++)
      await naive.call(() => Promise.reject(new Error('ECONNRESET'))).catch(() => {});
    expect(naive.state).toBe('closed'); // opossum opened at the first of these
  });
});
