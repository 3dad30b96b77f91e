import type { Deadline, DeadlineBucket } from '../call/TimeoutScheduler.js';
import type { Engine } from '../engine/Engine.js';
import { CircuitBreakerTimeoutError } from '../errors/CircuitBreakerTimeoutError.js';

/**
 * @internal A caller that joined a call in flight (`coalesce`): it gets the shared call's value or
 * error, unless its own timeout elapses first (a `CircuitBreakerTimeoutError`, counted nowhere: the
 * shared call is counted once, by the caller that made it) or its own signal aborts (rejected with
 * the reason). Its deadline shares the breaker's timers like a call's.
 */
export class Follower<T> implements Deadline {
  deadlinePrev: Deadline | undefined = undefined;
  deadlineNext: Deadline | undefined = undefined;
  deadlineBucket: DeadlineBucket | undefined = undefined;
  readonly #engine: Engine;
  readonly #timeout: number | false;
  readonly #signal: AbortSignal | undefined;
  #resolve: ((value: T) => void) | undefined = undefined;
  #reject: ((error: unknown) => void) | undefined = undefined;

  constructor(engine: Engine, timeout: number | false, signal: AbortSignal | undefined) {
    this.#engine = engine;
    this.#timeout = timeout;
    this.#signal = signal;
  }

  /** The caller's promise: the shared call's outcome, or its own timeout or abort if sooner. */
  follow(shared: Promise<unknown>): Promise<T> {
    const promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    if (this.#timeout !== false) this.#engine.scheduler().schedule(this, this.#timeout);
    try {
      this.#signal?.addEventListener('abort', this);
    } catch (error) {
      this.#settle(error, false);
      return promise;
    }
    shared.then(
      (value) => this.#settle(value, true),
      (error: unknown) => this.#settle(error, false),
    );
    return promise;
  }

  /** Its own timeout elapsed before the shared call settled. */
  expire(): void {
    this.#settle(new CircuitBreakerTimeoutError(this.#engine.name, this.#timeout as number), false);
  }

  /** Its own signal aborted. */
  handleEvent(): void {
    this.#settle(this.#signal?.reason, false);
  }

  #settle(outcome: unknown, ok: boolean): void {
    const resolve = this.#resolve;
    const reject = this.#reject;
    if (resolve === undefined || reject === undefined) return;
    this.#resolve = undefined;
    this.#reject = undefined;
    if (this.deadlineBucket !== undefined) this.#engine.scheduler().cancel(this);
    try {
      this.#signal?.removeEventListener('abort', this);
    } catch {
      // A signal-like object whose removeEventListener throws: nothing to release.
    }
    if (ok) resolve(outcome as T);
    else reject(outcome);
  }
}
