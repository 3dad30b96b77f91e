import type { AdaptiveConcurrencyOptions } from '../options.js';

/** Queueing shows when the current latency passes this many times the no-load latency. */
const TOLERANCE = 1.5;
/** Below this many times the no-load latency nothing queues yet: the limit grows by its square root. */
const CLEAR = 1.25;
/** A decision shrinks the limit by the square root of target / latency (noise shrinks it little)... */
const SHRINK_POWER = 0.5;
/** ...and by a factor of 4 at most. */
const MAX_SHRINK = 0.25;
/** Far above the target (this many times), the limit is decided every round rather than every other. */
const URGENT = 2;
/** A round lasts about one latency and at least this many calls. */
const ROUND_CALLS = 4;
/** Rounds per decision: the calls that judge a decision were admitted under it. */
const ROUNDS_PER_DECISION = 2;
/** The current latency is a moving average over about this many calls (a fast average). */
const FAST_CALLS = 32;
/** The smoothed latency the no-load latency falls to averages about this many calls. */
const SLOW_CALLS = 256;
/** Per call, the no-load latency rises by this share of its gap to the smoothed latency (very slowly). */
const DRIFT = 0.00002;
/** The floor: limits below `min` + this (one or two calls in flight do not queue). */
const FLOOR_WIDTH = 2;
/** Calls started at the floor whose mean latency becomes the no-load latency. */
const FLOOR_CALLS = 16;

/**
 * @internal An adaptive concurrency limit (DESIGN section 10), in the manner of TCP Vegas and
 * Netflix's Gradient2, learning from each call's latency (a timed-out call counting at its timeout):
 * - It works in rounds of about one latency (at least {@link ROUND_CALLS} calls) and decides every
 *   other round, so that the calls judging a decision were admitted under it.
 * - The current latency is a fast moving average over about {@link FAST_CALLS} calls.
 * - The no-load latency is a slow minimum: it falls at once to the latency smoothed over about
 *   {@link SLOW_CALLS} calls and rises towards it only by {@link DRIFT} per call, so that working
 *   near the tolerance does not ratchet it up. A dependency that got slower for good drives the
 *   limit down to its floor, where nothing queues: the mean latency of {@link FLOOR_CALLS} calls
 *   started there becomes the no-load latency, refined by the calls that follow while the limit
 *   grows back and the latency stays clear of queueing. Rounds where most calls failed teach
 *   nothing (an outage is not a slow dependency). A limit saturated before it ever measured at the
 *   floor (an initial limit above the dependency's concurrency: its first latencies hold a queue of
 *   its own calls) goes to the floor first to measure, and grows from there.
 * - A decision: above {@link TOLERANCE} × no-load (a queue is building) the limit shrinks by the
 *   square root of the ratio, at most 4 times; below it, when the calls in flight came up to half the
 *   limit, it grows by 1, or by its square root below {@link CLEAR} × no-load.
 * - When the breaker closes after being open the fast average forgets the outage.
 * The constants were tuned on `npm run simulate` (bench/simulation.md). O(1) per outcome, about 20
 * numbers of memory, no timer. Created only for breakers that configure it.
 */
export class ConcurrencyLimit {
  readonly #min: number;
  readonly #max: number;
  /** The limit, fractional; calls are admitted below its floor. */
  #limit: number;
  /** The fast average, ms (`NaN` before the first round). */
  #latency = Number.NaN;
  /** The smoothed latency of successful calls, ms (`NaN` before the first). */
  #smoothed = Number.NaN;
  /** The no-load latency, ms (`NaN` before the first successful call). */
  #noLoad = Number.NaN;
  /** Rounds since the last decision. */
  #rounds = 0;
  /** When the limit reached its floor (`NaN` while above it), and the calls measured since. */
  #floorSince = Number.NaN;
  #floorSum = 0;
  #floorCount = 0;
  #floorOk = 0;
  /** After a measurement at the floor, while the limit grows and calls still do not queue. */
  #relearning = false;
  /** Whether the no-load latency was ever measured at the floor. */
  #measured = false;
  /** Whether the limit waits at its floor for its first measurement. */
  #holding = false;
  // The round being measured.
  #roundStart = Number.NaN;
  #roundLength = 0;
  #sum = 0;
  #count = 0;
  #okCount = 0;
  #peak = 0;

  constructor(options: Readonly<Required<AdaptiveConcurrencyOptions>>) {
    this.#min = options.min;
    this.#max = options.max;
    this.#limit = options.initial;
  }

  /** The number of calls that may run at once now. */
  get limit(): number {
    return Math.floor(this.#limit);
  }

  /** The no-load latency learned, ms (0 before anything is learned). */
  get noLoad(): number {
    return Number.isNaN(this.#noLoad) ? 0 : this.#noLoad;
  }

  /** The current latency, ms (0 before anything is learned). */
  get latency(): number {
    return Number.isNaN(this.#latency) ? 0 : this.#latency;
  }

  /**
   * The breaker closed after being open: the latency of the outage is forgotten (a dependency that
   * is back must not wait until its timeouts leave the fast average); the limit and the no-load
   * latency stay.
   * @returns The limit now.
   */
  closed(): number {
    this.#latency = Number.NaN;
    this.#roundStart = Number.NaN;
    this.#roundLength = 0;
    this.#sum = 0;
    this.#count = 0;
    this.#okCount = 0;
    this.#rounds = 0;
    this.#stopFloor();
    return Math.floor(this.#limit);
  }

  /**
   * One call ended.
   * @param now - The clock's reading.
   * @param duration - Its latency, ms (a timed-out call's timeout).
   * @param ok - Whether it succeeded (only successes teach the no-load latency).
   * @param inFlight - Calls still in flight, this one no longer counted.
   * @returns The limit after this call (changed at most once per round).
   */
  sample(now: number, duration: number, ok: boolean, inFlight: number): number {
    if (duration >= 0 && duration < Number.POSITIVE_INFINITY) {
      if (Number.isNaN(this.#roundStart)) {
        this.#roundStart = now;
        // A limit that starts at its floor measures there from its first call.
        if (this.#atFloor() && Number.isNaN(this.#floorSince)) this.#floorSince = now;
      }
      this.#sum += duration;
      this.#count++;
      if (ok) this.#okCount++;
      // Nothing queues behind the fewest calls allowed: a call that started at the floor took the
      // no-load latency (a timed-out one its timeout, as in the current latency).
      if (now - duration >= this.#floorSince) {
        this.#floorSum += duration;
        if (ok) this.#floorOk++;
        if (++this.#floorCount >= FLOOR_CALLS && !this.#relearning) this.#measuredAtFloor(now);
      }
      if (inFlight + 1 > this.#peak) this.#peak = inFlight + 1;
      if (this.#count >= ROUND_CALLS && !(now - this.#roundStart < this.#roundLength)) this.#endRound(now);
    }
    return Math.floor(this.#limit);
  }

  /** Judges the round that ended and starts the next one. */
  #endRound(now: number): void {
    const count = this.#count;
    const mean = this.#sum / count;
    this.#latency = average(this.#latency, mean, count, FAST_CALLS);
    // A round where most calls failed says nothing of the no-load latency (an outage is not a slow
    // dependency).
    const mostlyOk = this.#okCount * 2 >= count;
    if (mostlyOk) this.#learn(mean, count);
    if (this.#relearning) {
      // Growing from the floor, calls still run without a queue until the latency rises: they refine
      // the floor's estimate.
      if (mostlyOk && mean <= CLEAR * this.#noLoad) this.#noLoad = this.#floorSum / this.#floorCount;
      else this.#stopFloor();
    }
    const noLoad = this.#noLoad;
    const latency = this.#latency;
    const target = TOLERANCE * noLoad;
    // Far above the target, decide at once: the queue grows while calls wait for a decision.
    if ((++this.#rounds >= ROUNDS_PER_DECISION || latency > URGENT * target) && noLoad > 0) {
      this.#rounds = 0;
      if (this.#holding) {
        // Measuring at the floor before anything else: the limit waits there.
      } else if (!this.#measured && this.#peak >= Math.floor(this.#limit) && !this.#atFloor()) {
        // Saturated before the no-load latency was ever measured: what was learned may hold a queue
        // of this breaker's own calls (an initial limit above the dependency's concurrency). Measure
        // at the floor, then grow back from there.
        this.#holding = true;
        this.#limit = this.#min;
        this.#floorSince = now;
      } else if (latency > target) {
        this.#limit = Math.max(
          this.#min,
          this.#limit * Math.max(MAX_SHRINK, (target / latency) ** SHRINK_POWER),
        );
        if (this.#relearning) this.#stopFloor();
        if (this.#atFloor() && Number.isNaN(this.#floorSince)) this.#floorSince = now;
      } else if (this.#peak * 2 >= this.#limit) {
        const step = latency <= CLEAR * noLoad ? Math.sqrt(this.#limit) : 1;
        this.#limit = Math.min(this.#max, this.#limit + step);
        if (!this.#relearning && !this.#atFloor()) this.#stopFloor();
      }
      this.#peak = 0;
    }
    this.#roundStart = now;
    this.#roundLength = mean;
    this.#sum = 0;
    this.#count = 0;
    this.#okCount = 0;
  }

  /** Learns the no-load latency from a round of `count` calls of mean latency `mean` ms. */
  #learn(mean: number, count: number): void {
    const smoothed = (this.#smoothed = average(this.#smoothed, mean, count, SLOW_CALLS));
    if (!(smoothed >= this.#noLoad)) this.#noLoad = smoothed;
    else this.#noLoad += (smoothed - this.#noLoad) * Math.min(1, DRIFT * count);
  }

  /**
   * Enough calls ran at the floor: their mean latency is the no-load latency, unless most failed;
   * the calls that follow refine it while the latency stays clear of queueing.
   */
  #measuredAtFloor(now: number): void {
    if (this.#floorOk * 2 >= this.#floorCount) {
      this.#noLoad = this.#smoothed = this.#floorSum / this.#floorCount;
      this.#measured = true;
      this.#holding = false;
      this.#relearning = true;
      return;
    }
    this.#floorSince = now;
    this.#floorSum = 0;
    this.#floorCount = 0;
    this.#floorOk = 0;
  }

  /** Whether the limit is at its floor: `min`, or one more (a call or two in flight never queue). */
  #atFloor(): boolean {
    return this.#limit < this.#min + FLOOR_WIDTH;
  }

  /** Ends a measurement at the floor. */
  #stopFloor(): void {
    this.#relearning = false;
    this.#floorSince = this.#atFloor() ? this.#floorSince : Number.NaN;
    this.#floorSum = 0;
    this.#floorCount = 0;
    this.#floorOk = 0;
  }
}

/** A moving average over about the last `calls` calls, given a round of `count` calls of mean `mean`. */
function average(previous: number, mean: number, count: number, calls: number): number {
  return Number.isNaN(previous) ? mean : previous + (mean - previous) * (count / (count + calls));
}
