import { describe, expect, it } from 'vitest';
import { createInventoryService as ported } from './cockatiel.js';
import { createInventoryService as original } from './cockatiel-original.js';
import type { InventoryService } from './inventoryService.js';
import { type Driven, type Step, type StepTrace, sideBySide } from './script.js';

/** The cockatiel program, and its port, as the side-by-side run drives them. */
const driven = (create: Driven<InventoryService>['create']): Driven<InventoryService> => ({
  create,
  call: (service) => service.stock('sku-1').then(String, (error: Error) => `error: ${error.message}`),
  read: () => undefined,
  stop: (service) => service.close(),
});
const cockatiel = driven((dependency, log) => original(dependency.call, log));
const port = driven((dependency, log, clock) => ported(dependency.call, log, clock));

const both = async (script: readonly Step[]) => {
  const traces = await sideBySide(cockatiel, port, script);
  return { cockatiel: traces.original, port: traces.port };
};

/** What a caller sees of each step: the answers, and whether the dependency was called. */
const seen = (trace: readonly StepTrace[]) =>
  trace.map(({ step, results, reached }) => ({ step, results, reached }));
/** Every event, in order, wherever it came. */
const events = (trace: readonly StepTrace[]) => trace.flatMap(({ log }) => log);

describe('examples/migrating/cockatiel.ts behaves as the cockatiel program it ports', () => {
  it('breaks on the 5th failure in a row, fails fast, recovers through a trial after halfOpenAfter', async () => {
    const script: Step[] = [
      { call: 'ok' },
      { call: 'fail', count: 4 }, // 4 in a row: not yet
      { call: 'ok' }, // a success starts the count again
      { call: 'fail', count: 4 },
      { call: 'fail' }, // the 5th in a row: break
      { call: 'ok' }, // refused: BrokenCircuitError / CircuitBreakerOpenError, the service untouched
      { wait: 9_999 },
      { call: 'ok' }, // still refused
      { wait: 1 }, // halfOpenAfter / resetTimeout has passed
      { call: 'fail' }, // the trial fails: break again
      { wait: 10_000 },
      { call: 'ok' }, // the trial succeeds: reset
      { call: 'ok' },
    ];
    const { cockatiel, port } = await both(script);
    expect(seen(port)).toEqual(seen(cockatiel));
    expect(events(port)).toEqual(events(cockatiel));
    expect(events(cockatiel)).toEqual(['break', 'halfOpen', 'break', 'halfOpen', 'reset']);
    expect(seen(cockatiel).map(({ results, reached }) => `${results.join(',')}/${reached}`)).toEqual([
      '42/1',
      'error: ECONNRESET,error: ECONNRESET,error: ECONNRESET,error: ECONNRESET/4',
      '42/1',
      'error: ECONNRESET,error: ECONNRESET,error: ECONNRESET,error: ECONNRESET/4',
      'error: ECONNRESET/1',
      'unknown/0',
      '/0',
      'unknown/0',
      '/0',
      'error: ECONNRESET/1',
      '/0',
      '42/1',
      '42/1',
    ]);
    // Where they differ: cockatiel goes half-open at the first call after halfOpenAfter, breakwater
    // when resetTimeout passes (so its halfOpen event comes on time, with no call).
    expect(cockatiel[8]?.log).toEqual([]);
    expect(cockatiel[9]?.log).toEqual(['halfOpen', 'break']);
    expect(port[8]?.log).toEqual(['halfOpen']);
    expect(port[9]?.log).toEqual(['break']);
  });

  it('where they differ: a call arriving during the trial waits for it in cockatiel, and is refused at once in breakwater', async () => {
    const script: Step[] = [{ call: 'fail', count: 5 }, { wait: 10_000 }, { call: 'ok', count: 2 }];
    const { cockatiel, port } = await both(script);
    expect(cockatiel[2]).toMatchObject({ results: ['42', '42'], reached: 2 });
    expect(port[2]).toMatchObject({ results: ['42', 'unknown'], reached: 1 });
  });
});
