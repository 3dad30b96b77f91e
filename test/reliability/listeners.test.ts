import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/CircuitBreaker.js';
import { FakeClock } from '../../src/clock/FakeClock.js';
import { EVENT_NAMES } from '../../src/engine/Announcer.js';
import type { CircuitBreakerEventName } from '../../src/events.js';
import { CircuitBreakerRegistry } from '../../src/registry/CircuitBreakerRegistry.js';
import { recordingLogger } from '../support/flush.js';
import { runs, settleEventLoop, watchProcessFaults } from '../support/hostile.js';

// Hostile listeners (DESIGN section 11): listeners that throw, reject, re-enter the breaker (call it,
// reset it, open it, force it), unsubscribe others or themselves, or subscribe more while an event is
// delivered. Nothing reaches a caller or the process (their errors go to logger.error), every call
// settles, and the state machine still opens, half-opens and closes.

type Behaviour =
  | 'throw'
  | 'reject'
  | 'call'
  | 'reset'
  | 'open'
  | 'force'
  | 'unsubscribeOther'
  | 'unsubscribeSelf'
  | 'subscribe'
  | 'noop';
const BEHAVIOURS: readonly Behaviour[] = [
  'throw',
  'reject',
  'call',
  'reset',
  'open',
  'force',
  'unsubscribeOther',
  'unsubscribeSelf',
  'subscribe',
  'noop',
];

const ok = (): Promise<string> => Promise.resolve('ok');
const boom = (): Promise<never> => Promise.reject(new Error('down'));

let faults: ReturnType<typeof watchProcessFaults> | undefined;
afterEach(() => faults?.stop());

describe('hostile listeners', () => {
  it('listeners that throw, reject, re-enter and unsubscribe each other: nothing escapes, calls settle, the breaker still works', async () => {
    faults = watchProcessFaults();
    const listenerArb = fc.record({
      event: fc.constantFrom<CircuitBreakerEventName>(...EVENT_NAMES),
      behaviour: fc.constantFrom(...BEHAVIOURS),
    });
    const stepArb = fc.oneof(
      fc.constantFrom('ok', 'fail', 'hang', 'advance', 'reset', 'forceOpen', 'open'),
      fc.constant('advance'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(listenerArb, { minLength: 1, maxLength: 12 }),
        fc.array(stepArb, { maxLength: 40 }),
        async (listeners, steps) => {
          const clock = new FakeClock();
          const logger = recordingLogger();
          const breaker = new CircuitBreaker({
            clock,
            logger,
            failureThreshold: 2,
            resetTimeout: 100,
            timeout: 50,
          });
          const calls: Promise<unknown>[] = [];
          /** Re-entrant actions left: a listener that calls on `success` would otherwise loop for good. */
          let budget = 60;
          const unsubscribes: (() => void)[] = [];
          const attach = (event: CircuitBreakerEventName, behaviour: Behaviour): void => {
            let self: (() => void) | undefined;
            const listener = (): unknown => {
              if (budget-- <= 0) return undefined;
              switch (behaviour) {
                case 'throw':
                  throw new Error(`a ${event} listener threw`);
                case 'reject':
                  return Promise.reject(new Error(`a ${event} listener rejected`));
                case 'call':
                  calls.push(breaker.call(budget % 2 === 0 ? ok : boom).catch(() => undefined));
                  return undefined;
                case 'reset':
                  breaker.reset();
                  return undefined;
                case 'open':
                  breaker.open(10);
                  return undefined;
                case 'force':
                  breaker.forceOpen();
                  breaker.forceClose();
                  return undefined;
                case 'unsubscribeOther':
                  unsubscribes[budget % unsubscribes.length]?.();
                  return undefined;
                case 'unsubscribeSelf':
                  self?.();
                  return undefined;
                case 'subscribe':
                  unsubscribes.push(breaker.on(event, () => {}));
                  return undefined;
                default:
                  return undefined;
              }
            };
            self = breaker.on(event, listener as never);
            unsubscribes.push(self);
          };
          for (const { event, behaviour } of listeners) attach(event, behaviour);
          for (const step of steps) {
            if (step === 'advance') clock.advance(60);
            else if (step === 'reset') breaker.reset();
            else if (step === 'forceOpen') breaker.forceOpen();
            else if (step === 'open') breaker.open(30);
            else {
              const fn = step === 'ok' ? ok : step === 'fail' ? boom : () => new Promise<never>(() => {});
              let call: Promise<unknown> | undefined;
              expect(() => {
                call = breaker.call(fn);
              }).not.toThrow();
              calls.push(call!.catch(() => undefined));
            }
            await Promise.resolve();
          }
          // Every timed call times out; listeners may make more calls as calls settle: until none.
          for (let seen = -1; seen !== calls.length; ) {
            seen = calls.length;
            clock.advance(60);
            await Promise.all(calls);
            await settleEventLoop(1);
          }
          expect(breaker.metrics().inFlight).toBe(0);
          // Listener errors reached the logger, never a caller.
          for (const line of logger.lines.filter(
            (l) => l.level === 'error' && /listener/.test(l.message ?? ''),
          )) {
            expect(line.fields.err).toBeInstanceOf(Error);
          }
          // Still a working state machine, listeners and all.
          budget = 0;
          breaker.reset();
          await breaker.call(boom).catch(() => {});
          await breaker.call(boom).catch(() => {});
          expect(breaker.state).toBe('open');
          clock.advance(100);
          expect(breaker.state).toBe('half_open');
          await breaker.call(ok);
          expect(breaker.state).toBe('closed');
        },
      ),
      { numRuns: runs(150) },
    );
    await settleEventLoop();
    expect(faults.unhandled).toEqual([]);
    expect(faults.uncaught).toEqual([]);
  });

  it("a registry's listeners that throw or reject reach nobody, and it goes on adding and removing", async () => {
    faults = watchProcessFaults();
    const logger = recordingLogger();
    const registry = new CircuitBreakerRegistry({ logger });
    registry.on('add', () => {
      throw new Error('an add listener threw');
    });
    registry.on('remove', async () => {
      throw new Error('a remove listener rejected');
    });
    registry.on('add', ({ name }) => {
      if (name === 'first') registry.register('nested'); // re-enters
    });
    registry.register('first');
    const group = registry.keyed('k', { maxKeys: 2 });
    for (let i = 0; i < 10; i++) group.get(`key${i}`);
    expect(registry.remove('first')).toBe(true);
    registry.close();
    await settleEventLoop();
    expect(registry.get('nested')).toBeUndefined();
    expect(logger.lines.filter((line) => line.level === 'error').length).toBeGreaterThanOrEqual(12);
    expect(faults.unhandled).toEqual([]);
    expect(faults.uncaught).toEqual([]);
  });
});
