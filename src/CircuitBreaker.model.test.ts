import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CircuitModel,
  type ModelAdmission,
  type ModelConfig,
  type ModelOutcome,
} from '../test/support/CircuitModel.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import { isCircuitBreakerOpenError } from './errors/CircuitBreakerOpenError.js';
import type { CircuitBreakerOptions } from './options.js';

// Model-based test: random sequences of calls (that overlap transitions), clock moves and manual
// control run against a breaker and against test/support/CircuitModel.ts; after every command the
// state, every admission decision and the metrics counters must agree.

/** An error the breaker is configured to exclude: ignored, neither success nor failure. */
class BusinessError extends Error {
  override readonly name = 'BusinessError';
}

/** The breaker options a run uses; `undefined` leaves an option to its default. */
interface Spec {
  readonly failureThreshold: number | false | undefined;
  readonly failureRateThreshold: number | false | undefined;
  readonly slowCallRateThreshold: number | false | undefined;
  readonly slowCallDuration: number;
  readonly windowSize: number;
  readonly minimumCalls: number | undefined;
  readonly resetTimeout: number;
  readonly backoff: false | { readonly multiplier: number; readonly max: number };
  readonly halfOpenMaxCalls: number;
  readonly successThreshold: number;
  readonly halfOpenTimeout: number;
  /** Attach a `stateChange` listener, so the breaker keeps its deadline timer. */
  readonly listen: boolean;
}

const specArb: fc.Arbitrary<Spec> = fc
  .record({
    failureThreshold: fc.constantFrom<number | false | undefined>(undefined, false, 1, 2, 3, 4),
    failureRateThreshold: fc.constantFrom<number | false | undefined>(
      undefined,
      undefined,
      false,
      0.5,
      0.75,
      1,
    ),
    slowCallRateThreshold: fc.constantFrom<number | false | undefined>(undefined, undefined, false, 0.5, 1),
    slowCallDuration: fc.constantFrom(0, 20),
    windowSize: fc.integer({ min: 1, max: 6 }),
    minimumCalls: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    resetTimeout: fc.constantFrom(100, 1000, 0),
    backoff: fc.oneof(
      fc.constant<false>(false),
      fc.record({ multiplier: fc.constantFrom(2, 1, 3), max: fc.constantFrom(5000, 250) }),
    ),
    halfOpenMaxCalls: fc.integer({ min: 1, max: 3 }),
    successThreshold: fc.integer({ min: 1, max: 3 }),
    halfOpenTimeout: fc.constantFrom(50, 300, 2000),
    listen: fc.boolean(),
  })
  .map((spec) => ({
    ...spec,
    // "minimumCalls larger than a count window's size is a RangeError".
    minimumCalls: spec.minimumCalls === undefined ? undefined : Math.min(spec.minimumCalls, spec.windowSize),
  }));

function breakerOptions(spec: Spec, clock: FakeClock): CircuitBreakerOptions {
  const options: CircuitBreakerOptions = {
    name: 'model',
    clock,
    exclude: [BusinessError],
    slowCallDuration: spec.slowCallDuration,
    window: { type: 'count', size: spec.windowSize },
    resetTimeout: spec.resetTimeout,
    backoff: spec.backoff === false ? false : { ...spec.backoff, jitter: 0 },
    halfOpenMaxCalls: spec.halfOpenMaxCalls,
    successThreshold: spec.successThreshold,
    halfOpenTimeout: spec.halfOpenTimeout,
  };
  if (spec.failureThreshold !== undefined) options.failureThreshold = spec.failureThreshold;
  if (spec.failureRateThreshold !== undefined) options.failureRateThreshold = spec.failureRateThreshold;
  if (spec.slowCallRateThreshold !== undefined) options.slowCallRateThreshold = spec.slowCallRateThreshold;
  if (spec.minimumCalls !== undefined) options.minimumCalls = spec.minimumCalls;
  return options;
}

/** The options the model runs with, resolved from DESIGN.md's defaults. */
function modelConfig(spec: Spec): ModelConfig {
  // "with none of them active, failureThreshold: 5 applies (...); only an explicit
  // failureThreshold: false with no other active rule means 'record only'".
  const failureRateThreshold = spec.failureRateThreshold ?? false;
  const slowCallRateThreshold = spec.slowCallRateThreshold ?? false;
  const rateRule = failureRateThreshold !== false || slowCallRateThreshold !== false;
  const givenThreshold = spec.failureThreshold ?? false;
  const anyActive = givenThreshold !== false || rateRule;
  return {
    failureThreshold: anyActive || spec.failureThreshold === false ? givenThreshold : 5,
    failureRateThreshold,
    slowCallRateThreshold,
    slowCallDuration: spec.slowCallDuration,
    // "default 10, or the count window's size if smaller, when a rate rule is configured; otherwise 1".
    minimumCalls: spec.minimumCalls ?? (rateRule ? Math.min(10, spec.windowSize) : 1),
    windowSize: spec.windowSize,
    resetTimeout: spec.resetTimeout,
    backoff: spec.backoff,
    halfOpenMaxCalls: spec.halfOpenMaxCalls,
    successThreshold: spec.successThreshold,
    halfOpenTimeout: spec.halfOpenTimeout,
  };
}

// ---- the system under test ---------------------------------------------------------------------

interface RunningCall {
  readonly promise: Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface Real {
  readonly breaker: CircuitBreaker;
  readonly clock: FakeClock;
  readonly listen: boolean;
  /** Calls admitted and not settled, by model id. */
  readonly running: Map<number, RunningCall>;
  /** What each command did in this run (fast-check reuses command objects while shrinking). */
  readonly trace: string[];
}

/** Runs every pending callback, however many promise hops the breaker takes (no time passes). */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How the promise `p` ended, without letting it throw. */
function outcomeOf(
  p: Promise<unknown>,
): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  return p.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

/** Moves both clocks by `ms`. */
function advance(model: CircuitModel, real: Real, ms: number): void {
  real.clock.advance(ms);
  model.advance(ms);
}

function described(admission: ModelAdmission): string {
  return admission.admitted
    ? `admitted as call ${admission.id}`
    : `refused (${admission.state}, retryAfter ${admission.retryAfter})`;
}

/** Calls through the breaker with `fn`; checks admission against the model. */
async function start(
  model: CircuitModel,
  real: Real,
  label: string,
  fn: () => unknown,
): Promise<{ admission: ModelAdmission; promise: Promise<unknown> }> {
  const admission = model.admit();
  let called = false;
  const promise = real.breaker.call(() => {
    called = true;
    return fn();
  });
  // Handled here too, so that a failing check that leaves a call unawaited is not also reported as an
  // unhandled rejection.
  promise.catch(() => {});
  if (called !== admission.admitted)
    real.trace.push(`t=${model.now} ${label}: model ${described(admission)}, breaker did not`);
  expect(called, 'fn called (admitted)').toBe(admission.admitted);
  if (!admission.admitted) {
    const result = await outcomeOf(promise);
    expect(result.ok, 'a refused call rejects').toBe(false);
    const error = result.ok ? undefined : result.error;
    const refusal = isCircuitBreakerOpenError(error)
      ? { state: error.state, retryAfter: error.retryAfter }
      : { error };
    if (refusal.state !== admission.state || refusal.retryAfter !== admission.retryAfter) {
      real.trace.push(`t=${model.now} ${label}: model ${described(admission)}, breaker did not`);
    }
    expect(refusal, 'refused with CircuitBreakerOpenError').toEqual({
      state: admission.state,
      retryAfter: admission.retryAfter,
    });
  }
  return { admission, promise };
}

const RESULT = { ok: 'value' };

function failureOf(outcome: ModelOutcome): Error {
  return outcome === 'ignored' ? new BusinessError('out of stock') : new Error('dependency down');
}

/** Ends a running call; the caller must get the value, or the very error thrown. */
async function finish(
  promise: Promise<unknown>,
  outcome: ModelOutcome,
  end: (thrown: Error | undefined) => void,
): Promise<void> {
  const thrown = outcome === 'success' ? undefined : failureOf(outcome);
  end(thrown);
  const result = await outcomeOf(promise);
  expect(result).toEqual(thrown === undefined ? { ok: true, value: RESULT } : { ok: false, error: thrown });
  if (!result.ok) expect(result.error).toBe(thrown);
  await flush();
}

function checkAgainstModel(model: CircuitModel, real: Real, did: string): void {
  const { breaker } = real;
  const expected = model.metrics();
  real.trace.push(`t=${model.now} ${did} -> model ${expected.state}`);
  expect(breaker.state, 'state').toBe(expected.state);
  const m = breaker.metrics();
  const actual = {
    state: m.state,
    totalCalls: m.totalCalls,
    successfulCalls: m.successfulCalls,
    failedCalls: m.failedCalls,
    rejectedCalls: m.rejectedCalls,
    ignoredCalls: m.ignoredCalls,
    slowCalls: m.slowCalls,
    consecutiveFailures: m.consecutiveFailures,
    windowCalls: m.windowCalls,
    failureRate: m.failureRate,
    slowCallRate: m.slowCallRate,
    stateTransitions: m.stateTransitions,
    // The FakeClock's wall time starts at 0, so `retryAt` is the model's end of the open period.
    retryAt: m.state === 'open' ? m.retryAt : null,
  };
  // Slowness is only specified where a slow-call rule measures it.
  const { slowCalls, slowCallRate, ...rest } = expected;
  if (model.config.slowCallRateThreshold === false) {
    const { slowCalls: _s, slowCallRate: _r, ...actualRest } = actual;
    expect(actualRest, 'metrics()').toEqual(rest);
  } else {
    expect(actual, 'metrics()').toEqual({ ...rest, slowCalls, slowCallRate });
  }
  expect(m.totalCalls, 'totalCalls = successful + failed + rejected + ignored').toBe(
    m.successfulCalls + m.failedCalls + m.rejectedCalls + m.ignoredCalls,
  );
  expect(breaker.isAvailable(), 'isAvailable()').toBe(model.available());
}

// ---- commands ----------------------------------------------------------------------------------

type Cmd = fc.AsyncCommand<CircuitModel, Real>;

/** A call that starts and settles at once (sync or async `fn`). */
class CallCommand implements Cmd {
  constructor(
    readonly outcome: ModelOutcome,
    readonly sync: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: CircuitModel, real: Real): Promise<void> {
    const thrown = this.outcome === 'success' ? undefined : failureOf(this.outcome);
    const fn = (): unknown => {
      if (this.sync) {
        if (thrown !== undefined) throw thrown;
        return RESULT;
      }
      return thrown === undefined ? Promise.resolve(RESULT) : Promise.reject(thrown);
    };
    const { admission, promise } = await start(model, real, `${this}`, fn);
    if (admission.admitted) {
      model.settle(admission.id, this.outcome);
      const result = await outcomeOf(promise);
      if (thrown === undefined) expect(result).toEqual({ ok: true, value: RESULT });
      else expect(result.ok ? undefined : result.error).toBe(thrown);
      await flush();
    }
    checkAgainstModel(model, real, `${this}: ${described(admission)}`);
  }
  toString(): string {
    return `call(${this.outcome}${this.sync ? ', sync' : ''})`;
  }
}

/** Starts a call that hangs until a later `settle` (or forever, after `abandon`). */
class StartCommand implements Cmd {
  check(): boolean {
    return true;
  }
  async run(model: CircuitModel, real: Real): Promise<void> {
    let resolve: (value: unknown) => void = () => {};
    let reject: (error: unknown) => void = () => {};
    const hung = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const { admission, promise } = await start(model, real, `${this}`, () => hung);
    if (admission.admitted) real.running.set(admission.id, { promise, resolve, reject });
    checkAgainstModel(model, real, `${this}: ${described(admission)}`);
  }
  toString(): string {
    return 'start()';
  }
}

/** Settles the `pick`-th running call (oldest first, modulo their number). */
class SettleCommand implements Cmd {
  constructor(
    readonly pick: number,
    readonly outcome: ModelOutcome,
  ) {}
  check(model: Readonly<CircuitModel>): boolean {
    return model.pendingIds().length > 0;
  }
  async run(model: CircuitModel, real: Real): Promise<void> {
    const ids = model.pendingIds();
    const id = ids[this.pick % ids.length]!;
    const call = real.running.get(id)!;
    real.running.delete(id);
    model.settle(id, this.outcome);
    await finish(call.promise, this.outcome, (thrown) =>
      thrown === undefined ? call.resolve(RESULT) : call.reject(thrown),
    );
    checkAgainstModel(model, real, `${this}: call ${id}`);
  }
  toString(): string {
    return `settle(#${this.pick}, ${this.outcome})`;
  }
}

/** Forgets the `pick`-th running call: it never settles. */
class AbandonCommand implements Cmd {
  constructor(readonly pick: number) {}
  check(model: Readonly<CircuitModel>): boolean {
    return model.pendingIds().length > 0;
  }
  async run(model: CircuitModel, real: Real): Promise<void> {
    const ids = model.pendingIds();
    const id = ids[this.pick % ids.length]!;
    real.running.delete(id);
    model.abandon(id);
    checkAgainstModel(model, real, `${this}: call ${id}`);
  }
  toString(): string {
    return `abandon(#${this.pick})`;
  }
}

/** A call that takes `slowCallDuration + extra` ms (slow when extra > 0) while the clock moves. */
class SlowCallCommand implements Cmd {
  constructor(
    readonly outcome: ModelOutcome,
    readonly extra: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: CircuitModel, real: Real): Promise<void> {
    let settleWith: (thrown: Error | undefined) => void = () => {};
    const hung = new Promise<unknown>((resolve, reject) => {
      settleWith = (thrown) => (thrown === undefined ? resolve(RESULT) : reject(thrown));
    });
    const { admission, promise } = await start(model, real, `${this}`, () => hung);
    advance(model, real, model.config.slowCallDuration + this.extra);
    if (admission.admitted) {
      model.settle(admission.id, this.outcome);
      await finish(promise, this.outcome, settleWith);
    }
    checkAgainstModel(model, real, `${this}: ${described(admission)}`);
  }
  toString(): string {
    return `slowCall(${this.outcome}, slowCallDuration + ${this.extra})`;
  }
}

type AdvanceTarget = 'ms' | 'openEnds' | 'trialDeadline';

/**
 * Moves the FakeClock by `ms`, or to `delta` ms from the end of the open period / the half-open
 * deadline when there is one (else by `ms`). A `quiet` move leaves the breaker unread until the next
 * command (checked with it), so that command meets a due transition lazily.
 */
class AdvanceCommand implements Cmd {
  constructor(
    readonly target: AdvanceTarget,
    readonly ms: number,
    readonly delta: number,
    readonly quiet: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: CircuitModel, real: Real): Promise<void> {
    const to =
      this.target === 'openEnds'
        ? model.msUntilOpenEnds()
        : this.target === 'trialDeadline'
          ? model.msUntilTrialDeadline()
          : undefined;
    const ms = to === undefined ? this.ms : Math.max(0, to + this.delta);
    advance(model, real, ms);
    await flush();
    if (this.quiet) real.trace.push(`t=${model.now} advance(${ms}), quiet`);
    else checkAgainstModel(model, real, `advance(${ms})`);
  }
  toString(): string {
    const how =
      this.target === 'ms'
        ? `${this.ms}`
        : `${this.target}${this.delta < 0 ? '' : '+'}${this.delta}, else ${this.ms}`;
    return `advance(${how}${this.quiet ? ', quiet' : ''})`;
  }
}

class OpenCommand implements Cmd {
  constructor(readonly durationMs: number | undefined) {}
  check(): boolean {
    return true;
  }
  async run(model: CircuitModel, real: Real): Promise<void> {
    model.open(this.durationMs);
    real.breaker.open(this.durationMs);
    checkAgainstModel(model, real, `${this}`);
  }
  toString(): string {
    return `open(${this.durationMs ?? ''})`;
  }
}

class ManualCommand implements Cmd {
  constructor(readonly action: 'forceOpen' | 'forceClose' | 'reset') {}
  check(): boolean {
    return true;
  }
  async run(model: CircuitModel, real: Real): Promise<void> {
    model[this.action]();
    real.breaker[this.action]();
    checkAgainstModel(model, real, `${this}`);
  }
  toString(): string {
    return `${this.action}()`;
  }
}

const outcomeArb = fc.constantFrom<ModelOutcome>('failure', 'success', 'ignored');
const pickArb = fc.nat({ max: 7 });

const commandArbs: fc.Arbitrary<Cmd>[] = [
  // Weights by repetition: mostly calls and clock moves, manual control now and then.
  ...Array.from({ length: 4 }, () =>
    fc.tuple(outcomeArb, fc.boolean()).map(([outcome, sync]) => new CallCommand(outcome, sync)),
  ),
  ...Array.from({ length: 2 }, () => fc.constant(null).map(() => new StartCommand())),
  ...Array.from({ length: 3 }, () =>
    fc.tuple(pickArb, outcomeArb).map(([pick, outcome]) => new SettleCommand(pick, outcome)),
  ),
  pickArb.map((pick) => new AbandonCommand(pick)),
  fc
    .tuple(outcomeArb, fc.constantFrom(1, 0, 5))
    .map(([outcome, extra]) => new SlowCallCommand(outcome, extra)),
  ...Array.from({ length: 3 }, () =>
    fc
      .tuple(
        fc.constantFrom<AdvanceTarget>('openEnds', 'trialDeadline', 'ms'),
        fc.constantFrom(1, 10, 100, 1000, 10_000),
        fc.constantFrom(0, -1, 1, 7),
        fc.boolean(),
      )
      .map(([target, ms, delta, quiet]) => new AdvanceCommand(target, ms, delta, quiet)),
  ),
  fc.option(fc.constantFrom(0, 1, 100, 2000), { nil: undefined }).map((ms) => new OpenCommand(ms)),
  fc.constantFrom('forceOpen', 'forceClose', 'reset' as const).map((action) => new ManualCommand(action)),
];

describe('CircuitBreaker against a reference model', () => {
  it('agrees on state, admissions and metrics over random command sequences', async () => {
    await fc.assert(
      fc.asyncProperty(
        specArb,
        fc.commands(commandArbs, { maxCommands: 40, size: 'max' }),
        async (spec, commands) => {
          const clock = new FakeClock({ now: 0, wallNow: 0 });
          const breaker = new CircuitBreaker(breakerOptions(spec, clock));
          if (spec.listen) breaker.on('stateChange', () => {});
          const real: Real = { breaker, clock, listen: spec.listen, running: new Map(), trace: [] };
          const model = new CircuitModel(modelConfig(spec));
          try {
            await fc.asyncModelRun(() => ({ model, real }), commands);
            checkAgainstModel(model, real, 'end of run');
          } catch (error) {
            // The trace of this very run: what each command resolved to, and the model's state after it.
            if (error instanceof Error) error.message += `\n  trace:\n    ${real.trace.join('\n    ')}`;
            throw error;
          }
        },
      ),
      { numRuns: Number(process.env.MODEL_RUNS ?? 500) },
    );
  });
});
