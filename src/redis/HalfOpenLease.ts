import type { Reply } from './Reply.js';

const now = (): number => performance.now();

/**
 * @internal The fleet's half-open lease as one binding sees it: while the fleet is open or
 * half-open, only the instance holding the lease of the current epoch admits trials, so the fleet
 * runs one round at a time. It is asked for on the first trial the local rule would admit, renewed
 * while its round runs, and given up when the breaker leaves half-open. A denial waits out the
 * holder's time before asking again; a lease request that fails leaves trials to the local rule.
 */
export class HalfOpenLease {
  /** How long a granted lease lasts, ms. */
  readonly ms: number;
  readonly #flushInterval: number;
  /** Runs the lease script for the binding's current epoch. */
  readonly #request: (ms: number) => Promise<Reply>;
  /** The binding learns the reply; returns its epoch after that, or `undefined` once released. */
  readonly #learn: (reply: Reply) => number | undefined;
  #state: 'none' | 'asking' | 'held' | 'lost' = 'none';
  #epoch = -1;
  #until = 0;
  #used = false;
  #renewing = false;
  #askAfter = 0;

  constructor(
    ms: number,
    flushInterval: number,
    request: (ms: number) => Promise<Reply>,
    learn: (reply: Reply) => number | undefined,
  ) {
    this.ms = ms;
    this.#flushInterval = flushInterval;
    this.#request = request;
    this.#learn = learn;
  }

  /** Whether a trial may run now under the lease of `epoch`; asks for the lease when it is not held. */
  permit(epoch: number): boolean {
    const at = now();
    if (this.#state === 'held' && this.#epoch === epoch) {
      if (this.#until - at > this.#flushInterval) {
        this.#used = true;
        return true;
      }
      this.#renew();
      return false;
    }
    if (this.#state === 'asking') return false;
    if (this.#state === 'lost' && this.#epoch === epoch && at < this.#askAfter) return false;
    this.#state = 'asking';
    this.#send(false);
    return false;
  }

  /** Forgets the lease (a new epoch, or the breaker left half-open). */
  drop(): void {
    this.#state = 'none';
    this.#used = false;
  }

  /** Renews a lease in use once less than half of it is left (called while its round runs). */
  renewIfDue(at: number): void {
    if (this.#state === 'held' && this.#used && this.#until - at < this.ms / 2) this.#renew();
  }

  #renew(): void {
    if (this.#renewing) return;
    this.#renewing = true;
    this.#send(true);
  }

  #send(renewal: boolean): void {
    const sentAt = now();
    this.#request(this.ms).then(
      (reply) => {
        if (renewal) this.#renewing = false;
        const epoch = this.#learn(reply);
        if (epoch === undefined || reply.epoch !== epoch) return;
        this.#epoch = reply.epoch;
        if (reply.verdict === 'granted') {
          this.#state = 'held';
          this.#until = sentAt + reply.extra;
        } else if (reply.verdict === 'none' || reply.verdict === 'stale' || reply.verdict === 'released') {
          this.#state = 'none';
        } else {
          // held by another, not due yet, or forced open: ask again only after that time
          this.#state = 'lost';
          this.#askAfter = now() + Math.max(reply.extra, this.#flushInterval);
        }
      },
      () => {
        if (renewal) this.#renewing = false;
        else this.#state = 'none'; // Redis unreachable: trialPermit follows the local rule
      },
    );
  }
}
