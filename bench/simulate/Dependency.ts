/**
 * The simulated dependency: a small queueing model whose failures and latency grow with the load it
 * receives.
 *
 * - `workers` requests are served at once, each for an exponentially distributed service time of
 *   mean `serviceTime / capacity` ms (so capacity is `workers / serviceTime` requests per ms).
 * - Requests beyond that wait in one FIFO queue. The latency a client sees is its wait plus its
 *   service time, so latency grows with utilisation, slowly at first and without bound past 1.
 * - The queue holds at most `queueLimit` waiting requests; a request that finds it full is answered
 *   `busy` after `busyLatency` ms (server-side load shedding, a fast 503).
 * - The server does not know when a client gives up (no deadline propagation): a request whose
 *   client timed out still occupies a worker when its turn comes. Past utilisation 1 the queue fills,
 *   every wait exceeds the client's timeout, and the server spends its whole capacity on answers
 *   nobody waits for: goodput collapses until the load drops and the queue drains.
 * - A served request fails with probability `errorRate` whatever the load (the normal error rate).
 * - While `down`, a request gets no answer at all: the client's timeout ends it.
 *
 * A request's service time and error are decided by two uniform draws the caller passes in (drawn
 * per arrival, so that every variant of a scenario sends the same calls), and by the condition in
 * force when it arrives.
 */
export class Dependency {
  readonly #model: DependencyModel;
  /** When each worker is next free. */
  readonly #free: Float64Array;
  /** Start times of accepted requests still waiting, a ring buffer in FIFO (= start time) order. */
  readonly #waiting: Float64Array;
  #head = 0;
  #count = 0;

  /**
   * @param model - The dependency's shape.
   * @throws {RangeError} When a field is out of range.
   */
  constructor(model: DependencyModel) {
    positive('workers', model.workers, true);
    positive('serviceTime', model.serviceTime, false);
    positive('queueLimit', model.queueLimit, true);
    if (!(model.busyLatency >= 0)) {
      throw new RangeError(
        `Expected \`busyLatency\` to be a duration in ms >= 0, got \`${model.busyLatency}\``,
      );
    }
    this.#model = model;
    this.#free = new Float64Array(model.workers);
    this.#waiting = new Float64Array(model.queueLimit);
  }

  /**
   * Sends one request.
   * @param now - The arrival time, in ms (non-decreasing from one request to the next).
   * @param condition - The dependency's condition at `now`.
   * @param serviceDraw - A uniform draw in [0, 1) that sets the service time.
   * @param errorDraw - A uniform draw in [0, 1) that decides a normal error.
   * @returns The answer and the ms until it reaches the client (`Infinity` when down).
   */
  request(now: number, condition: Condition, serviceDraw: number, errorDraw: number): Response {
    if (condition.down) return { answer: 'down', latency: Number.POSITIVE_INFINITY };
    this.#startDue(now);
    const model = this.#model;
    if (this.#count >= model.queueLimit) return { answer: 'busy', latency: model.busyLatency };
    const worker = this.#earliestWorker();
    const start = Math.max(now, this.#free[worker]!);
    const service = (-Math.log(1 - serviceDraw) * model.serviceTime) / condition.capacity;
    this.#free[worker] = start + service;
    if (start > now) {
      this.#waiting[(this.#head + this.#count) % model.queueLimit] = start;
      this.#count++;
    }
    return { answer: errorDraw < condition.errorRate ? 'error' : 'ok', latency: start - now + service };
  }

  /**
   * How long a request arriving now would wait before a worker takes it (it is not sent).
   * @param now - The time, in ms (not earlier than the last request's).
   * @returns Ms of wait; `Infinity` when the queue is full (it would be answered `busy`).
   */
  waitAt(now: number): number {
    this.#startDue(now);
    if (this.#count >= this.#model.queueLimit) return Number.POSITIVE_INFINITY;
    return Math.max(0, this.#free[this.#earliestWorker()]! - now);
  }

  /** Requests waiting for a worker at the last time asked. */
  get queued(): number {
    return this.#count;
  }

  /** Drops the waiting requests whose service has started by `now`. */
  #startDue(now: number): void {
    const limit = this.#model.queueLimit;
    while (this.#count > 0 && this.#waiting[this.#head]! <= now) {
      this.#head = (this.#head + 1) % limit;
      this.#count--;
    }
  }

  #earliestWorker(): number {
    const free = this.#free;
    let best = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[best]!) best = i;
    return best;
  }
}

/** The dependency's fixed shape. */
export interface DependencyModel {
  /** Requests served at once. */
  readonly workers: number;
  /** Mean service time of one request at full capacity, in ms (exponentially distributed). */
  readonly serviceTime: number;
  /** Requests that may wait for a worker; one more is answered `busy`. */
  readonly queueLimit: number;
  /** Ms to answer `busy`. */
  readonly busyLatency: number;
}

/** What the dependency is like at one moment (a scenario's fault changes it). */
export interface Condition {
  /** Down: a request gets no answer at all (a crashed host behind a live address). */
  readonly down: boolean;
  /** Capacity as a share of normal: 0.4 makes every service time 2.5 times as long. */
  readonly capacity: number;
  /** Share of served requests answered with an error, whatever the load. */
  readonly errorRate: number;
}

/** How the dependency answers a request. */
export type Answer = 'ok' | 'error' | 'busy' | 'down';

/** One request's answer, and how long it takes to reach the client. */
export interface Response {
  readonly answer: Answer;
  /** Ms from the request to its answer; `Infinity` when no answer comes. */
  readonly latency: number;
}

function positive(name: string, value: number, integer: boolean): void {
  if (integer ? !Number.isInteger(value) || value < 1 : !(value > 0)) {
    throw new RangeError(
      `Expected \`${name}\` to be ${integer ? 'an integer >= 1' : 'a number > 0'}, got \`${value}\``,
    );
  }
}
