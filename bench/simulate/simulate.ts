import { CircuitBreaker, type CircuitBreakerOptions, FakeClock, type Permit } from '../../src/index.js';
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
type SimEvent = Arrival | Completion | ProbeAnswer | Step;

/**
 * Runs one variant through one scenario: a discrete-event simulation on a `FakeClock`. Clients
 * arrive as a Poisson process (open loop); each call asks the breaker for a permit
 * (`tryAcquire()`), goes to the {@link Dependency} if admitted, and settles the permit when its
 * answer (or the client's timeout) comes. Everything random comes from streams seeded by `seed`:
 * the arrivals with each call's service and error draws (the same for every variant), the breaker's
 * `random` option, and the probes. The same seed gives the same log.
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
  const conditionAt = conditions(scenario);
  const dependency = new Dependency(scenario.model);
  const timeout = scenario.clientTimeout;
  const meanGap = 1000 / scenario.rate;
  const log: SimulationLog = {
    breaker: variant.options !== undefined,
    calls: [],
    transitions: [],
    probes: [],
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
    breaker.on('stateChange', ({ from, to }) => {
      const time = clock.now();
      log.transitions.push({ at: time, from, to, healthy: healthyAt(time) });
      settle = variant.probe;
    });
  }

  const arrive = (time: number): void => {
    const serviceDraw = arrivals.next();
    const errorDraw = arrivals.next();
    const next = time + arrivals.exponential(meanGap);
    if (next < scenario.duration) events.push({ time: next, kind: 'arrival' });
    const healthy = healthyAt(time);
    let permit: Permit | undefined;
    if (breaker !== undefined) {
      permit = breaker.tryAcquire();
      if (permit === undefined) {
        // Refused while closed: only the throttle does that (no bulkhead here).
        const outcome = breaker.state === 'closed' ? 'throttled' : 'refused';
        log.calls.push({ at: time, latency: 0, outcome, healthy });
        return;
      }
    }
    const { outcome, latency } = clientView(
      dependency.request(time, conditionAt(time), serviceDraw, errorDraw),
      timeout,
    );
    log.calls.push({ at: time, latency, outcome, healthy });
    if (permit !== undefined) {
      events.push({ time: time + latency, kind: 'completion', permit, ok: outcome === 'success' });
    }
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
