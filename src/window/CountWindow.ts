import { FAILURE, type OutcomeWindow, SLOW } from './OutcomeWindow.js';

/** @internal The last `size` outcomes in a ring of one byte each. */
export class CountWindow implements OutcomeWindow {
  readonly #ring: Uint8Array;
  #head = 0;
  calls = 0;
  failures = 0;
  slowCalls = 0;

  constructor(size: number) {
    this.#ring = new Uint8Array(size);
  }

  record(flags: number, _now?: number): void {
    const ring = this.#ring;
    const head = this.#head;
    if (this.calls === ring.length) {
      const evicted = ring[head]!;
      this.failures -= evicted & FAILURE;
      this.slowCalls -= (evicted & SLOW) >> 1;
    } else {
      this.calls++;
    }
    ring[head] = flags;
    this.failures += flags & FAILURE;
    this.slowCalls += (flags & SLOW) >> 1;
    this.#head = head + 1 === ring.length ? 0 : head + 1;
  }

  advance(_now: number): void {}

  /** Starts a cleared window as if `count` successes had been recorded (at most `size` are kept). */
  fillWithSuccesses(count: number): void {
    const size = this.#ring.length;
    this.calls = Math.min(count, size);
    this.#head = this.calls % size;
  }

  clear(): void {
    this.#head = 0;
    this.calls = 0;
    this.failures = 0;
    this.slowCalls = 0;
  }
}
