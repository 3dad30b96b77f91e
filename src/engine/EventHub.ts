import type { Listener } from '../events.js';

/**
 * @internal Typed listener lists. Lists are copied on change, so a listener may unsubscribe (or
 * subscribe) while an event is being delivered. A throwing listener, or the rejection of the promise
 * an async listener returns, never reaches the emitter: it goes to `onError`.
 */
export class EventHub<Events> {
  #lists: { [K in keyof Events]?: ReadonlyArray<Listener<Events[K]>> } = {};
  #count = 0;
  /** Raised by `clear()`: unsubscribe functions handed out before it do nothing. */
  #generation = 0;
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
    const generation = this.#generation;
    return () => {
      if (!subscribed || generation !== this.#generation) return;
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
        const returned: unknown = listener(payload);
        // An async listener's rejection is reported like a throw, never an unhandled rejection
        // (a promise of another realm too: a `vm` context's, an iframe's).
        if (typeof returned === 'object' && returned !== null && isPromise(returned)) {
          returned.then(undefined, (error) => this.#onError(error, event));
        }
      } catch (error) {
        this.#onError(error, event);
      }
    }
  }

  clear(): void {
    this.#lists = {};
    this.#count = 0;
    this.#generation++;
    this.#onChange();
  }
}

function isPromise(value: object): value is Promise<unknown> {
  return value instanceof Promise || Object.prototype.toString.call(value) === '[object Promise]';
}
