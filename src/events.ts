import type { CircuitState } from './CircuitState.js';

/** Why a call was refused without calling the protected function. */
export type RejectionReason = 'open' | 'half_open_full' | 'forced_open' | 'bulkhead' | 'disposed';

/** Why the breaker changed state. */
export type TransitionReason =
  | 'failure_threshold'
  | 'failure_rate'
  | 'slow_call_rate'
  | 'reset_timeout'
  | 'trial_succeeded'
  | 'trial_failed'
  | 'half_open_timeout'
  | 'manual_open'
  | 'force_open'
  | 'force_close'
  | 'reset'
  | 'remote'
  | 'restored';

/** Every event a breaker emits, with its payload. Every payload carries the breaker's `name`. */
export interface CircuitBreakerEvents {
  /** Any transition, forced states included. */
  stateChange: { name: string; from: CircuitState; to: CircuitState; reason: TransitionReason };
  /** The breaker opened; calls are refused for `retryAfter` ms. */
  open: { name: string; retryAfter: number };
  /** The open period ended; trial calls are admitted. */
  halfOpen: { name: string };
  /** The breaker closed. */
  close: { name: string };
  /** A call succeeded; `duration` in ms. */
  success: { name: string; duration: number };
  /** A call failed (timeouts included); `duration` in ms. */
  failure: { name: string; error: unknown; duration: number };
  /** A call's error was classified as not a failure (or the caller aborted). */
  ignored: { name: string; error: unknown };
  /** A call was refused without calling the function. */
  rejected: { name: string; reason: RejectionReason };
  /** A call exceeded its timeout. */
  timeout: { name: string; timeout: number };
  /** A fallback ran instead of rejecting. */
  fallback: { name: string; error: unknown };
  /** A call took longer than `slowCallDuration`. */
  slowCall: { name: string; duration: number };
}

/** The name of a breaker event. */
export type CircuitBreakerEventName = keyof CircuitBreakerEvents;

/** A listener of one event. */
export type Listener<T> = (payload: T) => void;

/**
 * @internal Typed listener lists. Lists are copied on change, so a listener may unsubscribe (or
 * subscribe) while an event is being delivered. A throwing listener never reaches the emitter.
 */
export class EventHub<Events> {
  #lists: { [K in keyof Events]?: ReadonlyArray<Listener<Events[K]>> } = {};
  #count = 0;
  readonly #onError: (error: unknown, event: keyof Events) => void;
  readonly #onChange: () => void;

  constructor(onError: (error: unknown, event: keyof Events) => void, onChange: () => void) {
    this.#onError = onError;
    this.#onChange = onChange;
  }

  /** Listeners of all events together. */
  get size(): number {
    return this.#count;
  }

  has(event: keyof Events): boolean {
    return this.#lists[event] !== undefined;
  }

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    this.#lists[event] = [...(this.#lists[event] ?? []), listener];
    this.#count++;
    this.#onChange();
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const list = this.#lists[event] ?? [];
      const index = list.indexOf(listener);
      const rest = index === -1 ? list : [...list.slice(0, index), ...list.slice(index + 1)];
      if (rest.length === 0) delete this.#lists[event];
      else this.#lists[event] = rest;
      this.#count--;
      this.#onChange();
    };
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const list = this.#lists[event];
    if (list === undefined) return;
    for (const listener of list) {
      try {
        listener(payload);
      } catch (error) {
        this.#onError(error, event);
      }
    }
  }

  clear(): void {
    this.#lists = {};
    this.#count = 0;
    this.#onChange();
  }
}
