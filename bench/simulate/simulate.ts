import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  FakeClock,
  type Permit,
  type RejectionReason,
  RetryBudget,
} from '../../src/index.js';
import { Dependency, type Response } from './Dependency.js';
import { EventQueue } from './EventQueue.js';
import { Random, streamSeed } from './Random.js';
import { conditions, faultActive, type Scenario } from './Scenario.js';
import type { CallOutcome, SimulationLog } from './SimulationLog.js';
import type { Variant } from './Variant.js';

/** The failure a settled permit reports, built once. */
const FAILURE = new Error('simulated dependency failure');
/** In variants with a probe, the clock steps at least this often (ms), so a probe starts on time. */
const PROBE_STEP = 50;
/** The independent random streams of a run. */
const ARRIVALS = 0;
const PROBES = 1;
const BREAKER = 2;
const RETRIES = 3;

interface Arrival {
  readonly time: number;
  readonly kind: 'arrival';
}
interface Completion {
  readonly time: number;
  readonly kind: 'completion';
  readonly permit: Permit;
  readonly ok: boolean;
}
interface ProbeAnswer {
  readonly time: number;
  readonly kind: 'probe';
  readonly ok: boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}
interface Step {
  readonly time: number;
  readonly kind: 'step';
}
interface Retry {
  readonly time: number;
  readonly kind: 'retry';
  readonly call: ClientCall;
}
type SimEvent = Arrival | Completion | ProbeAnswer | Step | Retry;

/** A client's call, over its attempts. */
interface ClientCall {
  /** When it arrived. */
  readonly at: number;
  /** Whether the dependency was healthy then. */
  readonly healthy: boolean;
  /** Attempts made so far. */
  attempts: number;
}

/**
 * Runs one variant through one scenario: a discrete-event simulation on a `FakeClock`. Clients
 * arrive as a Poisson process (open loop); each call asks the breaker for a permit
 * (`tryAcquire()`), goes to the {@link Dependency} if admitted, and settles the permit when its
 * answer (or the client's timeout) comes. Everything random comes from streams seeded by `seed`:
 * the arrivals with each call's service and error draws (the same for every variant), the breaker's
 * `random` option, the probes, and the retries' waits and draws. With a variant's `retry`, a failed
 * call is tried again after a jittered wait, through a shared `RetryBudget` when it has one; the log
 * then holds each client call once, with the outcome and the time of its last attempt. The same seed
 * gives the same log.
 * @param scenario - The traffic, the dependency and its fault.
 * @param variant - The breaker under test (or none).
 * @param seed - The run's seed.
 * @returns The run's log.
 * @throws Whatever the breaker's constructor throws for the variant's options (run only variants
 * whose features this build has).
 */
export async function simulate(scenario: Scenario, variant: Variant, seed: number): Promise<SimulationLog> {
  const clock = new FakeClock({ now: 0, wallNow: 0 });
  const arrivals = new Random(streamSeed(seed, ARRIVALS));
  const probeDraws = new Random(streamSeed(seed, PROBES));
  const retryDraws = new Random(streamSeed(seed, RETRIES));
  const retryModel = variant.retry;
  const budget =
    retryModel?.budget === undefined ? undefined : new RetryBudget({ ...retryModel.budget, clock });
  const conditionAt = conditions(scenario);
  const dependency = new Dependency(scenario.model);
  const timeout = scenario.clientTimeout;
  const meanGap = 1000 / scenario.rate;
  const log: SimulationLog = {
    breaker: variant.options !== undefined,
    calls: [],
    transitions: [],
    probes: [],
    sentInFault: 0,
  };
  const events = new EventQueue<SimEvent>();
  /** Set when a probe may have started or settled: let the breaker's promise reactions run. */
  let settle = false;

  const healthyAt = (time: number): boolean =>
    !faultActive(scenario, time) && dependency.waitAt(time) + scenario.model.serviceTime < timeout;

  const probe = (): Promise<void> => {
    const time = clock.now();
    const { outcome, latency } = clientView(
      dependency.request(time, conditionAt(time), probeDraws.next(), probeDraws.next()),
      timeout,
    );
    const ok = outcome === 'success';
    log.probes.push({ at: time, ok });
    return new Promise((resolve, reject) => {
      events.push({ time: time + latency, kind: 'probe', ok, resolve, reject });
    });
  };

  let breaker: CircuitBreaker | undefined;
  /** Why the breaker refused the last call it refused. */
  let refusal: RejectionReason = 'open';
  if (variant.options !== undefined) {
    const options: Record<string, unknown> = {
      ...scenario.breaker,
      ...variant.options,
      name: variant.id,
      clock,
      random: new Random(streamSeed(seed, BREAKER)).next,
    };
    if (variant.probe) options.probe = probe;
    // Options of features this build may not have are not in its types: the caller checked them.
    breaker = new CircuitBreaker(options as CircuitBreakerOptions);
    breaker.on('rejected', ({ reason }) => {
      refusal = reason;
    });
    breaker.on('stateChange', ({ from, to }) => {
      const time = clock.now();
      log.transitions.push({ at: time, from, to, healthy: healthyAt(time) });
      settle = variant.probe;
    });
  }

  /** The client call ended with `outcome` at `end`. */
  const finish = (call: ClientCall, outcome: CallOutcome, end: number): void => {
    log.calls.push({ at: call.at, latency: end - call.at, outcome, healthy: call.healthy });
  };

  /** One attempt of `call` at `time`, with the draws that set its service time and error. */
  const attempt = (call: ClientCall, time: number, serviceDraw: number, errorDraw: number): void => {
    call.attempts++;
    let permit: Permit | undefined;
    let outcome: CallOutcome;
    let latency = 0;
    if (breaker !== undefined) permit = breaker.tryAcquire();
    if (breaker !== undefined && permit === undefined) {
      outcome =
        refusal === 'limit' || refusal === 'bulkhead'
          ? 'limited'
          : refusal === 'throttled'
            ? 'throttled'
            : 'refused';
    } else {
      if (faultActive(scenario, time)) log.sentInFault++;
      ({ outcome, latency } = clientView(
        dependency.request(time, conditionAt(time), serviceDraw, errorDraw),
        timeout,
      ));
      if (permit !== undefined) {
        events.push({ time: time + latency, kind: 'completion', permit, ok: outcome === 'success' });
      }
    }
    const end = time + latency;
    // Fail fast means fail fast: an open or throttling breaker's refusal is never retried.
    const retryable = outcome !== 'success' && outcome !== 'refused' && outcome !== 'throttled';
    if (
      retryModel === undefined ||
      !retryable ||
      call.attempts >= retryModel.maxAttempts ||
      (budget !== undefined && !budget.tryRetry())
    ) {
      finish(call, outcome, end);
      return;
    }
    const wait = retryDraws.next() * retryModel.delay * 2 ** (call.attempts - 1);
    events.push({ time: end + wait, kind: 'retry', call });
  };

  const arrive = (time: number): void => {
    const serviceDraw = arrivals.next();
    const errorDraw = arrivals.next();
    const next = time + arrivals.exponential(meanGap);
    if (next < scenario.duration) events.push({ time: next, kind: 'arrival' });
    budget?.recordCall();
    attempt({ at: time, healthy: healthyAt(time), attempts: 0 }, time, serviceDraw, errorDraw);
  };

  events.push({ time: arrivals.exponential(meanGap), kind: 'arrival' });
  if (variant.probe) events.push({ time: PROBE_STEP, kind: 'step' });
  for (let event = events.pop(); event !== undefined; event = events.pop()) {
    if (event.time > clock.now()) clock.advance(event.time - clock.now());
    if (settle) {
      settle = false;
      await reactions();
    }
    switch (event.kind) {
      case 'arrival':
        arrive(event.time);
        break;
      case 'completion':
        if (event.ok) event.permit.success();
        else event.permit.failure(FAILURE);
        break;
      case 'probe':
        if (event.ok) event.resolve();
        else event.reject(FAILURE);
        settle = true;
        break;
      case 'retry':
        attempt(event.call, event.time, retryDraws.next(), retryDraws.next());
        break;
      case 'step':
        if (event.time + PROBE_STEP < scenario.duration) {
          events.push({ time: event.time + PROBE_STEP, kind: 'step' });
        }
        break;
    }
    if (settle) {
      settle = false;
      await reactions();
    }
  }
  breaker?.dispose();
  // With retries, calls end out of arrival order.
  if (retryModel !== undefined) log.calls.sort((a, b) => a.at - b.at);
  return log;
}

/**
 * What the client makes of the dependency's answer: no answer, or one after the timeout, ends at
 * the timeout.
 * @param response - The dependency's answer.
 * @param timeout - The client's timeout, in ms.
 * @returns The call's outcome and the ms the client waited.
 */
export function clientView(response: Response, timeout: number): { outcome: CallOutcome; latency: number } {
  if (response.answer === 'down') return { outcome: 'down', latency: timeout };
  if (response.latency > timeout) return { outcome: 'timeout', latency: timeout };
  if (response.answer === 'busy') return { outcome: 'busy', latency: response.latency };
  return { outcome: response.answer === 'ok' ? 'success' : 'error', latency: response.latency };
}

/** Lets every pending promise reaction run (a probe's settling inside the breaker). */
function reactions(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
