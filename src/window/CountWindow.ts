import { FAILURE, type OutcomeWindow, SLOW } from './OutcomeWindow.js';

/** Outcomes per element of the ring: two bits each, in a small integer (30 bits). */
const PER_CHUNK = 15;

/**
 * @internal The last `size` outcomes in a ring of two bits each (failure, slow), fifteen to a small
 * integer: a window of 100 calls is an array of 7 numbers (a typed array's two header objects would
 * weigh more than the outcomes). Counts are kept running, so recording and reading are O(1).
 */
export class CountWindow implements OutcomeWindow {
  readonly #ring: number[];
  readonly #size: number;
  #head = 0;
  calls = 0;
  failures = 0;
  slowCalls = 0;

  constructor(size: number) {
    this.#size = size;
    this.#ring = new Array<number>(Math.ceil(size / PER_CHUNK)).fill(0);
  }

  record(flags: number, _now?: number): void {
    const ring = this.#ring;
    const head = this.#head;
    const chunk = (head / PER_CHUNK) | 0;
    const shift = (head - chunk * PER_CHUNK) << 1;
    if (this.calls === this.#size) {
      const evicted = (ring[chunk]! >> shift) & 3;
      this.failures -= evicted & FAILURE;
      this.slowCalls -= (evicted & SLOW) >> 1;
    } else {
      this.calls++;
    }
    ring[chunk] = (ring[chunk]! & ~(3 << shift)) | ((flags & 3) << shift);
    this.failures += flags & FAILURE;
    this.slowCalls += (flags & SLOW) >> 1;
    this.#head = head + 1 === this.#size ? 0 : head + 1;
  }

  advance(_now: number): void {}

  /** Calls the window holds when full. */
  get size(): number {
    return this.#size;
  }

  /** Starts a cleared window as if `count` successes had been recorded (at most `size` are kept). */
  fillWithSuccesses(count: number): void {
    this.calls = Math.min(count, this.#size);
    this.#head = this.calls % this.#size;
  }

  clear(): void {
    this.#ring.fill(0);
    this.#head = 0;
    this.calls = 0;
    this.failures = 0;
    this.slowCalls = 0;
  }
}
