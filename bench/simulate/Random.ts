/**
 * A seeded pseudo-random number generator (mulberry32: 32 bits of state, period 2^32, good enough
 * for a simulation and ~2 ns a draw), so that one seed always gives the same run.
 */
export class Random {
  #state: number;

  /**
   * @param seed - Any integer; it is reduced to 32 bits.
   * @throws {TypeError} When `seed` is not a safe integer.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed))
      throw new TypeError(`Expected \`seed\` to be an integer, got \`${seed}\``);
    this.#state = seed >>> 0;
  }

  /**
   * The next draw, uniform in [0, 1). Bound to the instance, so it can be passed as the breaker's
   * `random` option.
   * @returns A number in [0, 1).
   */
  readonly next = (): number => {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  /**
   * An exponentially distributed draw: the gap between Poisson arrivals, a service time.
   * @param mean - The distribution's mean (> 0).
   * @returns A number >= 0 with mean `mean`.
   */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

/**
 * The seed of one independent stream of a run (the arrivals, the breaker's draws, the probes), mixed
 * from the run's seed with splitmix32's finaliser so that neighbouring seeds give unrelated streams.
 * @param seed - The run's seed.
 * @param stream - The stream's number, small and distinct per purpose.
 * @returns A 32-bit seed.
 */
export function streamSeed(seed: number, stream: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b9) + Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}
