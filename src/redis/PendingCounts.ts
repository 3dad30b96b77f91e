/** Slots kept per binding: a flush interval rarely spans more than two buckets or epochs. */
const SLOTS = 4;
const FIELDS = 5; // epoch, bucket, calls, failures, slow

/** A report ready to send: the counts taken from {@link PendingCounts}, with its sequence number. */
export interface Report {
  readonly seq: number;
  readonly epoch: number;
  /** epoch, bucket, calls, failures, slow per slot. */
  readonly slots: readonly number[];
  readonly leading: number;
  readonly hadSuccess: boolean;
  readonly trailing: number;
  readonly calls: number;
  readonly failures: number;
}

/**
 * The flush buffer of one binding: outcomes counted per (epoch, bucket in Redis time) in a few
 * preallocated slots, plus the failure run (failures before the first success, whether a success
 * came, failures after the last one) so the script keeps the fleet's consecutive count in flush
 * order. `add()` is O(1) and allocates nothing: it runs once per call outcome.
 */
export class PendingCounts {
  readonly #data = new Float64Array(SLOTS * FIELDS);
  #used = 0;
  calls = 0;
  failures = 0;
  leading = 0;
  trailing = 0;
  hadSuccess = false;
  /** Local ms when the oldest pending outcome arrived. */
  since = 0;
  /** All slots are taken: the next outcomes merge into the last one until a flush. */
  full = false;

  /**
   * Counts one outcome.
   * @param failure - Whether it failed.
   * @param slow - Whether it was slow.
   * @param epoch - The fleet epoch the breaker holds.
   * @param bucket - The current bucket id (Redis ms / bucket width, as of the store's last tick).
   */
  add(failure: boolean, slow: boolean, epoch: number, bucket: number): void {
    const data = this.#data;
    let at = (this.#used - 1) * FIELDS;
    if (this.#used === 0 || data[at + 1] !== bucket || data[at] !== epoch) {
      if (this.#used === 0) this.since = performance.now(); // once per flush, not per call
      if (this.#used < SLOTS) {
        at = this.#used++ * FIELDS;
        data[at] = epoch;
        data[at + 1] = bucket;
        data[at + 2] = 0;
        data[at + 3] = 0;
        data[at + 4] = 0;
      } else {
        this.full = true;
      }
    }
    data[at + 2]!++;
    this.calls++;
    if (failure) {
      data[at + 3]!++;
      this.failures++;
      this.trailing++;
      if (!this.hadSuccess) this.leading++;
    } else {
      this.hadSuccess = true;
      this.trailing = 0;
    }
    if (slow) data[at + 4]!++;
  }

  /**
   * Takes everything pending as a report and starts empty.
   * @param seq - The report's sequence number.
   * @param epoch - The epoch the breaker holds now (the run applies to it).
   */
  take(seq: number, epoch: number): Report {
    const slots = Array.from(this.#data.subarray(0, this.#used * FIELDS));
    const report: Report = {
      seq,
      epoch,
      slots,
      leading: this.leading,
      hadSuccess: this.hadSuccess,
      trailing: this.trailing,
      calls: this.calls,
      failures: this.failures,
    };
    this.#used = 0;
    this.calls = 0;
    this.failures = 0;
    this.leading = 0;
    this.trailing = 0;
    this.hadSuccess = false;
    this.full = false;
    return report;
  }
}
