import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/CircuitBreaker.js';
import { FakeClock } from '../../src/clock/FakeClock.js';
import { optionsFromEnv } from '../../src/config/env.js';
import { NAMES } from '../../src/config/envNames.js';
import { OPTION_KEYS } from '../../src/options/resolveOptions.js';
import type { CircuitBreakerOptions } from '../../src/options.js';
import { MemoryStore } from '../../src/store/MemoryStore.js';
import { runs, settleEventLoop, watchProcessFaults } from '../support/hostile.js';

// fast-check fuzzing of what users hand the library (DESIGN section 11): options, environment
// variables, snapshots and per-call options. Valid input constructs a breaker that works; invalid
// input is a TypeError or RangeError whose message names the option (or variable) at fault, never
// another error, never a hang, never an allocation out of proportion (sizes are bounded).

const RUNS = runs(400);

let faults: ReturnType<typeof watchProcessFaults> | undefined;
afterEach(() => faults?.stop());

/** Values of every shape, for any option: numbers at the edges, strings, objects, functions. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    true,
    false,
    0,
    -1,
    1,
    0.5,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.MAX_SAFE_INTEGER,
    1e12,
    2 ** 31,
    '',
    '5',
    'off',
    [],
    {},
  ),
  fc.integer({ min: -10, max: 2_000_000 }),
  fc.double({ noNaN: false }),
  fc.string({ maxLength: 8 }),
  fc.constant(() => 0.5),
  fc.constant(() => {
    throw new Error('a function that throws');
  }),
  fc.dictionary(
    fc.constantFrom('type', 'size', 'duration', 'buckets', 'k', 'max', 'adaptive', 'x'),
    fc.oneof(fc.integer({ min: -5, max: 20_000 }), fc.constantFrom('count', 'time', true, null)),
  ),
);

/** Values each option is often given, valid or nearly so, so that many breakers do construct. */
const likely: Partial<Record<keyof CircuitBreakerOptions, fc.Arbitrary<unknown>>> = {
  failureThreshold: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(false)),
  failureRateThreshold: fc.oneof(
    fc.double({ min: 0, max: 1.2, noNaN: true }),
    fc.constant(false),
    fc.record({ adaptive: fc.constant(true) }),
  ),
  slowCallRateThreshold: fc.oneof(fc.double({ min: 0, max: 1 }), fc.constant(false)),
  slowCallDuration: fc.integer({ min: -1, max: 100_000 }),
  minimumCalls: fc.integer({ min: 0, max: 200 }),
  window: fc.oneof(
    fc.record({
      type: fc.constant('count'),
      size: fc.oneof(
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.constantFrom(1e12, Number.MAX_SAFE_INTEGER, 2 ** 32),
      ),
    }),
    fc.record({
      type: fc.constant('time'),
      duration: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constant(1e13)),
      buckets: fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.constantFrom(1e9, 2 ** 32)),
    }),
  ),
  resetTimeout: fc.integer({ min: -1, max: 100_000 }),
  backoff: fc.oneof(
    fc.boolean(),
    fc.record({ multiplier: fc.double({ min: 0, max: 4 }), jitter: fc.double({ min: -0.1, max: 1.1 }) }),
  ),
  halfOpenMaxCalls: fc.integer({ min: 0, max: 10 }),
  successThreshold: fc.integer({ min: 0, max: 10 }),
  halfOpenTimeout: fc.integer({ min: -1, max: 100_000 }),
  timeout: fc.oneof(fc.integer({ min: -1, max: 10_000 }), fc.constant(false)),
  maxConcurrentCalls: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constant(false)),
  throttle: fc.oneof(fc.boolean(), fc.record({ k: fc.double({ min: 0, max: 5 }) })),
  latencySampling: fc.double({ min: -0.5, max: 1.5 }),
  random: fc.constantFrom(
    Math.random,
    () => Number.NaN,
    () => 2,
  ),
  critical: fc.boolean(),
  clock: fc.constantFrom('fake', 'bad'),
  store: fc.constantFrom('memory', 'bad'),
};

/** Options of any kind: some known keys with likely or arbitrary values, sometimes an unknown key. */
const optionsArb = fc
  .tuple(
    fc.subarray(
      [...OPTION_KEYS].filter((key) => key !== 'logger' && key !== 'initialState' && key !== 'name'),
      { maxLength: 6 },
    ),
    fc.array(
      fc.integer({ min: 0, max: 9 }).map((n) => n < 8),
      { minLength: 40, maxLength: 40 },
    ),
    fc.array(anyValue, { minLength: 40, maxLength: 40 }),
    fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 9 },
      {
        arbitrary: fc.constantFrom(
          'failureTreshold',
          'errorThresholdPercentage',
          'volumeThreshold',
          'maxKeys',
          'zzz',
        ),
        weight: 1,
      },
    ),
  )
  .chain(([keys, useLikely, arbitrary, unknown]) =>
    fc
      .tuple(
        ...keys.map((key, i) =>
          useLikely[i] && likely[key] !== undefined ? likely[key]! : fc.constant(arbitrary[i]),
        ),
      )
      .map((values) => {
        const options: Record<string, unknown> = {};
        keys.forEach((key, i) => {
          let value = values[i];
          if (key === 'clock')
            value = value === 'fake' ? new FakeClock() : value === 'bad' ? { now: 1 } : value;
          if (key === 'store') value = value === 'memory' ? new MemoryStore() : value === 'bad' ? {} : value;
          options[key] = value;
        });
        if (unknown !== undefined) options[unknown] = 5;
        return options;
      }),
  );

/** The message names one of `names` (as `name` or `name.nested`). */
function namesOneOf(message: string, names: readonly string[]): boolean {
  return names.some((name) => message.includes(`\`${name}`) || message.includes(`${name}`));
}

const ok = (): Promise<string> => Promise.resolve('ok');
const boom = (): Promise<never> => Promise.reject(new Error('down'));

/** A breaker that constructed must work: calls settle, metrics and health-style reads do not throw. */
async function exercise(breaker: CircuitBreaker<unknown>): Promise<void> {
  const results = await Promise.allSettled([breaker.call(ok), breaker.call(boom), breaker.call(ok)]);
  expect(results).toHaveLength(3);
  expect(() => breaker.metrics()).not.toThrow();
  expect(() => breaker.toJSON()).not.toThrow();
  expect(typeof breaker.isAvailable()).toBe('boolean');
  expect(breaker.metrics().inFlight).toBe(0);
  breaker.dispose();
}

describe('fuzzing what users hand the library', () => {
  it('options: valid ones construct a breaker that works; invalid ones are a TypeError or RangeError naming the option', async () => {
    faults = watchProcessFaults();
    let constructed = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(optionsArb, async (options) => {
        let breaker: CircuitBreaker<unknown> | undefined;
        try {
          breaker = new CircuitBreaker(options as CircuitBreakerOptions);
        } catch (error) {
          refused++;
          expect(error instanceof TypeError || error instanceof RangeError, String(error)).toBe(true);
          expect(namesOneOf((error as Error).message, Object.keys(options)), (error as Error).message).toBe(
            true,
          );
          return;
        }
        constructed++;
        await exercise(breaker);
      }),
      { numRuns: RUNS },
    );
    expect(constructed).toBeGreaterThan(RUNS / 20);
    expect(refused).toBeGreaterThan(RUNS / 20);
    await settleEventLoop();
    expect(faults.unhandled).toEqual([]);
  });

  it('environment: optionsFromEnv with generated names and values gives options a breaker accepts, or an error naming the variable', async () => {
    const suffixes = [...NAMES.keys()];
    const name = fc.oneof(
      fc.constantFrom(...suffixes),
      fc.constantFrom(...suffixes).map((suffix) => suffix.replace(/.$/, 'X')), // a near miss
      fc.stringMatching(/^[A-Z_]{1,24}$/),
    );
    const value = fc.oneof(
      fc.constantFrom(
        'off',
        'adaptive',
        'true',
        'no',
        'count',
        'time',
        '30s',
        '500ms',
        '2m',
        '1h',
        '0',
        '-1',
        '',
      ),
      fc.integer({ min: -5, max: 2_000_000 }).map(String),
      fc.constantFrom('9007199254740991', '1e12', '1000000000', '2147483648', 'NaN', 'Infinity', '0.5', '50'),
      fc.string({ maxLength: 10 }),
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.dictionary(name, value, { maxKeys: 6 }), async (vars) => {
        const env: Record<string, string> = {};
        for (const [key, raw] of Object.entries(vars)) env[`CB_FUZZ_${key}`] = raw;
        let options: CircuitBreakerOptions;
        try {
          options = optionsFromEnv('CB_FUZZ', env);
        } catch (error) {
          expect(error instanceof TypeError || error instanceof RangeError, String(error)).toBe(true);
          expect(namesOneOf((error as Error).message, Object.keys(env)), (error as Error).message).toBe(true);
          return;
        }
        accepted++;
        // What optionsFromEnv accepts, a breaker accepts (it validated the whole).
        await exercise(new CircuitBreaker({ ...options, clock: new FakeClock() }));
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  it('snapshots: initialState from generated JSON restores a working breaker, or is an error naming initialState', async () => {
    const state = fc.oneof(
      {
        arbitrary: fc.constantFrom('closed', 'open', 'half_open', 'forced_open', 'forced_closed'),
        weight: 8,
      },
      { arbitrary: fc.constantFrom('broken', 3, null), weight: 1 },
    );
    const number = fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 100_000 }), weight: 12 },
      { arbitrary: fc.integer({ min: -10, max: 5_000_000_000 }), weight: 1 },
      { arbitrary: fc.double(), weight: 1 },
      { arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, '12', null), weight: 1 },
    );
    const snapshot = fc.oneof(
      fc.record(
        {
          version: fc.constantFrom(1, 2, 1, 2, 3, '1', undefined),
          name: fc.string({ maxLength: 5 }),
          state,
          remainingOpenMs: number,
          backoffAttempt: number,
          savedAt: fc.oneof(number, fc.constant(Date.now())),
          baseline: fc.oneof(
            { arbitrary: fc.constant(null), weight: 3 },
            {
              arbitrary: fc.record({
                failureRate: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), number),
                calls: number,
                evaluations: number,
              }),
              weight: 3,
            },
            { arbitrary: fc.jsonValue(), weight: 1 },
          ),
        },
        { requiredKeys: ['state', 'remainingOpenMs', 'backoffAttempt', 'savedAt'] },
      ),
      fc.record(
        {
          version: fc.constantFrom(1, 2),
          state,
          remainingOpenMs: number,
          backoffAttempt: number,
          savedAt: number,
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    );
    let restored = 0;
    await fc.assert(
      fc.asyncProperty(snapshot, fc.boolean(), async (initialState, adaptive) => {
        const clock = new FakeClock();
        let breaker: CircuitBreaker<unknown>;
        try {
          breaker = new CircuitBreaker({
            clock,
            initialState: initialState as never,
            ...(adaptive ? { failureRateThreshold: { adaptive: true } } : {}),
          });
        } catch (error) {
          expect(error instanceof TypeError || error instanceof RangeError, String(error)).toBe(true);
          expect((error as Error).message).toMatch(/`initialState/);
          return;
        }
        restored++;
        expect(['closed', 'open', 'half_open', 'forced_open', 'forced_closed']).toContain(breaker.state);
        // Never a broken breaker: an open one recovers after its period, the rest answer calls.
        clock.advance(2_147_483_647);
        if (breaker.state === 'forced_open' || breaker.state === 'forced_closed') breaker.reset();
        await expect(breaker.call(ok)).resolves.toBe('ok');
        await exercise(breaker);
      }),
      { numRuns: RUNS },
    );
    expect(restored).toBeGreaterThan(RUNS / 20);
  });

  it('per-call options: bad ones reject the call without calling fn, never a synchronous throw', async () => {
    const callOptions = fc.oneof(
      anyValue,
      fc.record(
        {
          timeout: fc.oneof(anyValue, fc.integer({ min: 1, max: 100 })),
          fallback: fc.oneof(
            anyValue,
            fc.constant(() => 'fallback'),
          ),
          signal: fc.oneof(anyValue, fc.constant('live'), fc.constant('aborted')),
          tmeout: anyValue,
        },
        { requiredKeys: [] },
      ),
    );
    let rejectedBad = 0;
    await fc.assert(
      fc.asyncProperty(callOptions, async (raw) => {
        const breaker = new CircuitBreaker({ clock: new FakeClock() });
        let options = raw;
        if (typeof raw === 'object' && raw !== null && 'signal' in raw) {
          const signal = (raw as { signal: unknown }).signal;
          const controller = new AbortController();
          if (signal === 'aborted') controller.abort(new Error('gave up'));
          options = {
            ...raw,
            signal: signal === 'live' || signal === 'aborted' ? controller.signal : signal,
          };
        }
        let called = 0;
        let call: Promise<unknown> | undefined;
        expect(() => {
          call = breaker.call(() => {
            called++;
            return 'ran';
          }, options as never);
        }).not.toThrow();
        const outcome = await call!.then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        if (called === 0 && 'error' in outcome) {
          const error = outcome.error as Error;
          // Refused for its options (an already-aborted signal rejects with its reason, by design).
          if (error instanceof TypeError || error instanceof RangeError) {
            rejectedBad++;
            expect(error.message).toMatch(/`options/);
          } else {
            expect(error.message).toBe('gave up');
          }
        }
        expect(breaker.metrics().inFlight).toBe(0);
        for (const method of ['tryAcquire', 'acquire'] as const) {
          try {
            breaker[method](options as never)?.success();
          } catch (error) {
            expect(error instanceof TypeError || error instanceof RangeError, String(error)).toBe(true);
          }
        }
        expect(breaker.metrics().inFlight).toBe(0);
      }),
      { numRuns: RUNS },
    );
    expect(rejectedBad).toBeGreaterThan(RUNS / 10);
  });
});
