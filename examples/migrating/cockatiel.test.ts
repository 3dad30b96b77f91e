import { FakeClock } from 'breakwater';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flush } from '../../test/support/flush.js';
import { createInventoryService as ported } from './cockatiel.js';
import { createInventoryService as original } from './cockatiel-original.js';
import type { InventoryService } from './inventoryService.js';
import { runScript, ScriptedDependency, type Step, type StepTrace, type Subject } from './script.js';

const render = (service: InventoryService) => () =>
  service.stock('sku-1').then(String, (error: Error) => `error: ${error.message}`);

/** The cockatiel program on Vitest's fake timers (cockatiel reads Date.now). */
function cockatielSubject(dependency: ScriptedDependency): Subject & { service: InventoryService } {
  vi.useFakeTimers();
  const log: string[] = [];
  const service = original(dependency.call, (line) => log.push(line));
  return {
    service,
    log,
    call: render(service),
    advance: async (ms) => {
      await vi.advanceTimersByTimeAsync(ms);
    },
    read: () => undefined,
  };
}

/** The port on a FakeClock. */
function portSubject(dependency: ScriptedDependency): Subject & { service: InventoryService } {
  const clock = new FakeClock();
  const log: string[] = [];
  const service = ported(dependency.call, (line) => log.push(line), clock);
  return {
    service,
    log,
    call: render(service),
    advance: async (ms) => {
      clock.advance(ms);
      await flush();
    },
    read: () => undefined,
  };
}

async function both(script: readonly Step[]) {
  const cockatielDependency = new ScriptedDependency();
  const cockatiel = cockatielSubject(cockatielDependency);
  const fromCockatiel = await runScript(cockatiel, cockatielDependency, script);
  cockatiel.service.close();
  vi.useRealTimers();
  const portDependency = new ScriptedDependency();
  const port = portSubject(portDependency);
  const fromPort = await runScript(port, portDependency, script);
  port.service.close();
  return { cockatiel: fromCockatiel, port: fromPort };
}

/** What a caller sees of each step: the answers, and whether the dependency was called. */
const seen = (trace: readonly StepTrace[]) =>
  trace.map(({ step, results, reached }) => ({ step, results, reached }));
/** Every event, in order, wherever it came. */
const events = (trace: readonly StepTrace[]) => trace.flatMap(({ log }) => log);

afterEach(() => {
  vi.useRealTimers();
});

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
