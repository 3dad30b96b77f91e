import type { CircuitBreakerEventName, CircuitBreakerEvents, Listener } from '../events.js';
import { logSafely } from '../logging/logSafely.js';
import { closestName } from '../options/closestName.js';
import { rate } from '../window/rate.js';
import type { Engine } from './Engine.js';
import { EventHub } from './EventHub.js';
import { warnListenerError } from './listenerWarning.js';
import type { Transition } from './Transition.js';
import { logTransition } from './transitionLog.js';

/** @internal Every event a breaker emits, for `on()`'s check. */
export const EVENT_NAMES: readonly CircuitBreakerEventName[] = [
  'stateChange',
  'open',
  'halfOpen',
  'close',
  'success',
  'failure',
  'ignored',
  'rejected',
  'timeout',
  'fallback',
  'slowCall',
  'latencySample',
  'storeError',
  'cacheHit',
  'cacheMiss',
  'coalesceHit',
  'coalesceMiss',
];

/**
 * @internal A breaker's voice: its listeners and its logger. Created only for breakers with a logger
 * or a listener. Transitions are announced in the order they happened: one made by a listener while
 * another is being announced waits until the listeners of the current one have run. Nothing a
 * listener or a logger does (throw, reject) reaches the breaker.
 */
export class Announcer {
  readonly #engine: Engine;
  #hub: EventHub<CircuitBreakerEvents> | undefined = undefined;
  #queue: Transition[] | undefined = undefined;
  #delivering = false;
  /** Monotonic ms of the last transition announced (for the log's `elapsed_seconds`). */
  #since: number;

  constructor(engine: Engine) {
    this.#engine = engine;
    this.#since = engine.clock.now();
  }

  /** Listeners of all events together. */
  get listeners(): number {
    return this.#hub?.size ?? 0;
  }

  has(event: CircuitBreakerEventName): boolean {
    return this.#hub?.has(event) === true;
  }

  on<K extends CircuitBreakerEventName>(event: K, listener: Listener<CircuitBreakerEvents[K]>): () => void {
    if (!EVENT_NAMES.includes(event)) {
      const near = closestName(String(event), EVENT_NAMES);
      throw new TypeError(
        `Unknown event \`${String(event)}\`; ${near === undefined ? `the events are ${EVENT_NAMES.join(', ')}` : `did you mean \`${near}\`?`}`,
      );
    }
    this.#hub ??= new EventHub<CircuitBreakerEvents>(
      (error, name) =>
        this.#engine.options.logger === undefined
          ? warnListenerError(this, this.#engine.name, String(name), error)
          : this.reportError(error, `a '${String(name)}' listener threw`),
      () => this.#engine.listenersChanged(),
    );
    return this.#hub.on(event, listener);
  }

  emit<K extends CircuitBreakerEventName>(event: K, payload: CircuitBreakerEvents[K]): void {
    this.#hub?.emit(event, payload);
  }

  /** Logs a transition and tells its listeners, after any transition still being announced. */
  announce(transition: Transition): void {
    if (this.#delivering) {
      (this.#queue ??= []).push(transition);
      return;
    }
    this.#delivering = true;
    try {
      this.#deliver(transition);
      const queue = this.#queue;
      while (queue !== undefined && queue.length > 0) this.#deliver(queue.shift()!);
    } finally {
      this.#delivering = false;
    }
  }

  /** Sends an internal failure (a throwing listener, classifier or backoff) to `logger.error`. */
  reportError(error: unknown, what: string): void {
    const name = this.#engine.name;
    logSafely(
      this.#engine.options.logger,
      'error',
      { circuit_breaker: name, err: error },
      `Circuit breaker '${name}': ${what}`,
    );
  }

  /** The store failed: a `warn` line and a `storeError` event; the breaker goes on locally. */
  storeError(error: unknown): void {
    const name = this.#engine.name;
    logSafely(
      this.#engine.options.logger,
      'warn',
      { circuit_breaker: name, err: error },
      `Circuit breaker '${name}': the store failed; going on with local state`,
    );
    if (this.has('storeError')) this.emit('storeError', { name, error });
  }

  /** Forgets every listener (`dispose()`). */
  clear(): void {
    this.#hub?.clear();
  }

  #deliver({ from, to, reason, openFor, at, counts, remoteReason, openedBy }: Transition): void {
    const engine = this.#engine;
    const elapsed = at - this.#since;
    this.#since = at;
    const name = engine.name;
    const logger = engine.options.logger;
    if (logger !== undefined && counts !== undefined) {
      logTransition(logger, {
        name,
        from,
        to,
        reason,
        remoteReason,
        failureCount: counts.failures,
        threshold: engine.automaton.rules.threshold(reason),
        failureRate: rate(counts.failures, counts.calls),
        elapsedMs: elapsed,
      });
    }
    const hub = this.#hub;
    if (hub === undefined || hub.size === 0) return;
    hub.emit('stateChange', { name, from, to, reason });
    if (to === 'open') hub.emit('open', { name, retryAfter: openFor, reason, openedBy });
    else if (to === 'half_open') hub.emit('halfOpen', { name });
    else if (to === 'closed') hub.emit('close', { name });
  }
}
