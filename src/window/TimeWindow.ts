import { FAILURE, type OutcomeWindow, SLOW } from './OutcomeWindow.js';

/**
 * @internal The outcomes of the last `duration` ms in `buckets` slices. A slice is forgotten whole
 * once all of it is older than `duration`, so the window never holds anything older than `duration`,
 * however long it sat idle. Recording is O(1); moving time forward costs at most one pass over the
 * slices.
 */
export class TimeWindow implements OutcomeWindow {
  readonly #sliceMs: number;
  /** Per slice: calls, failures, slow calls. */
  readonly #counts: Float64Array;
  readonly #slices: number;
  /** Absolute index (time / sliceMs) of the newest slice. */
  #newest = Number.NEGATIVE_INFINITY;
  /** Where the newest slice's counts are, and when it ends: a call within it needs no division. */
  #at = 0;
  #newestEnds = Number.NEGATIVE_INFINITY;
  calls = 0;
  failures = 0;
  slowCalls = 0;

  /** The index of the newest slice (it changes when a slice closes: the adaptive rule evaluates then). */
  get slice(): number {
    return this.#newest;
  }

  constructor(duration: number, buckets: number) {
    this.#slices = buckets;
    this.#sliceMs = duration / buckets;
    this.#counts = new Float64Array(buckets * 3);
  }

  record(flags: number, now: number): void {
    if (!(now < this.#newestEnds)) this.advance(now);
    const at = this.#at;
    const counts = this.#counts;
    counts[at]! += 1;
    this.calls++;
    if (flags === 0) return;
    const failure = flags & FAILURE;
    const slow = (flags & SLOW) >> 1;
    counts[at + 1]! += failure;
    counts[at + 2]! += slow;
    this.failures += failure;
    this.slowCalls += slow;
  }

  advance(now: number): void {
    if (now < this.#newestEnds) return;
    const index = Math.floor(now / this.#sliceMs);
    const steps = index - this.#newest;
    if (steps <= 0) return;
    if (steps >= this.#slices) {
      this.clear();
    } else {
      const counts = this.#counts;
      for (let i = 1; i <= steps; i++) {
        const at = this.#slot(this.#newest + i);
        this.calls -= counts[at]!;
        this.failures -= counts[at + 1]!;
        this.slowCalls -= counts[at + 2]!;
        counts[at] = 0;
        counts[at + 1] = 0;
        counts[at + 2] = 0;
      }
    }
    this.#newest = index;
    this.#at = this.#slot(index);
    this.#newestEnds = (index + 1) * this.#sliceMs;
  }

  /** Offset of a slice's counts. Indices below zero (a clock that starts negative) wrap too. */
  #slot(index: number): number {
    const slices = this.#slices;
    return (((index % slices) + slices) % slices) * 3;
  }

  clear(): void {
    this.#counts.fill(0);
    this.calls = 0;
    this.failures = 0;
    this.slowCalls = 0;
  }
}
