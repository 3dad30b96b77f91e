import type { CircuitState } from '../CircuitState.js';
import { follow, invoke, invoked, PROMISED, RETURNED, THREW } from '../call/invoke.js';
import { setUnrefTimeout } from '../clock/Clock.js';
import { CircuitBreakerTimeoutError } from '../errors/CircuitBreakerTimeoutError.js';
import type { Probe } from '../options.js';
import type { Engine } from './Engine.js';

/** While half-open without a trial (no slot, or the fleet's lease elsewhere), ask again this often at most. */
const RETRY_MS = 1000;

/**
 * @internal The active recovery check (the `probe` option): when the breaker enters half-open, it
 * runs the probe itself as a trial, through the engine's admission like any call, so that a quiet
 * service recovers without waiting for traffic; with a store the trial permit (the fleet's lease)
 * lets one instance probe per round. One probe runs at a time; a round that needs more successes
 * (`successThreshold`) probes again. A probe that hangs is cut by the round's `halfOpenTimeout` (or
 * whatever ends the round first): its signal aborts, it is settled then as a timeout (a stale
 * outcome, counted in the metrics only) and frees its slot, and whatever it does later is ignored. Its only timer is unref'd: it never keeps a process
 * alive. Created only for breakers with a probe.
 */
export class Prober {
  readonly #engine: Engine;
  readonly #probe: Probe;
  /** The running probe's controller (one probe at a time), until it settles or is cut. */
  #running: AbortController | undefined = undefined;
  /** The running probe's generation and start time, to settle it when it is cut. */
  #generation = 0;
  #startedAt = Number.NaN;
  #queued = false;
  #retry: unknown = undefined;

  constructor(engine: Engine, probe: Probe) {
    this.#engine = engine;
    this.#probe = probe;
  }

  /** A transition happened: entering half-open probes soon; leaving it stops the running probe. */
  transitioned(to: CircuitState): void {
    if (to === 'half_open') {
      this.#soon();
      return;
    }
    this.#clearRetry();
    const running = this.#running;
    if (running === undefined) return;
    this.#running = undefined;
    // The round is over without it: the probe is cut, settled now as a timeout (a stale outcome:
    // metrics only), so that a probe that never settles holds no slot; what it does later is ignored.
    const engine = this.#engine;
    const timeout = engine.options.halfOpenTimeout;
    const error = new CircuitBreakerTimeoutError(engine.name, timeout);
    try {
      running.abort(error);
    } catch (thrown) {
      engine.reportError(thrown, "an 'abort' listener on the probe's signal threw");
    }
    engine.settleTimeout(this.#generation, this.#startedAt, error, timeout);
  }

  dispose(): void {
    this.transitioned('closed');
  }

  /** Probes in a microtask: never inside the transition that asked for it. */
  #soon(): void {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#startSafely();
    });
  }

  /** {@link Prober.#start} from a timer or a microtask, where nothing may escape (it would crash the process). */
  #startSafely(): void {
    try {
      this.#start();
    } catch (error) {
      this.#engine.reportError(error, 'starting a probe failed');
    }
  }

  #start(): void {
    const engine = this.#engine;
    this.#clearRetry();
    if (engine.disposed || this.#running !== undefined) return;
    const automaton = engine.automaton;
    automaton.refresh();
    if (automaton.state !== 'half_open') return;
    const generation = engine.admit();
    if (generation < 0) {
      // Every trial slot is taken, or another instance holds the fleet's lease: ask again later.
      this.#retry = setUnrefTimeout(
        engine.clock,
        () => this.#startSafely(),
        Math.min(RETRY_MS, engine.options.halfOpenTimeout),
      );
      return;
    }
    const controller = new AbortController();
    this.#running = controller;
    const start = engine.recorder.startTime();
    this.#generation = generation;
    this.#startedAt = start;
    const result = invoke(this.#probe, { signal: controller.signal });
    const kind = invoked;
    const onValue = (value: unknown): void => {
      if (!this.#settled(controller)) return;
      engine.settleValue(generation, start, value);
      this.#again();
    };
    const onError = (error: unknown): void => {
      if (!this.#settled(controller)) return;
      engine.settleError(generation, start, error);
      this.#again();
    };
    if (kind === RETURNED) onValue(result);
    else if (kind === THREW) onError(result);
    else follow(result, kind === PROMISED, onValue, onError);
  }

  /** The probe of `controller` settled: whether it still ran (false once it was cut). */
  #settled(controller: AbortController): boolean {
    if (this.#running !== controller) return false;
    this.#running = undefined;
    return true;
  }

  /** After a probe: a round that is still half-open needs another success. */
  #again(): void {
    const automaton = this.#engine.automaton;
    try {
      automaton.refresh();
      if (automaton.state === 'half_open') this.#soon();
    } catch (error) {
      // Runs in a promise reaction: nothing may escape it as an unhandled rejection.
      this.#engine.reportError(error, 'the probe could not be scheduled again');
    }
  }

  #clearRetry(): void {
    if (this.#retry === undefined) return;
    this.#engine.clock.clearTimeout(this.#retry);
    this.#retry = undefined;
  }
}
