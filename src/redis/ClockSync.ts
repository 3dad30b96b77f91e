/**
 * Converts between this process's monotonic clock (`performance.now()`) and Redis `TIME`, the only
 * clock stored in Redis: every script reply carries Redis's time, and the estimate keeps the
 * offset measured over the fastest recent round trip (the least uncertain), so a shared deadline
 * becomes a local one without comparing `Date.now()` across hosts.
 */
export class ClockSync {
  /** Redis ms = local ms + offset; until the first reply, the wall clock stands in. */
  #offset = Date.now() - performance.now();
  #bestRtt = Number.POSITIVE_INFINITY;
  #bestAt = Number.NEGATIVE_INFINITY;

  /** The local monotonic time, ms. */
  now(): number {
    return performance.now();
  }

  /** The estimated Redis time now, ms. */
  redisNow(): number {
    return performance.now() + this.#offset;
  }

  /**
   * Takes one sample: a reply stamped `redisTime` to a request sent at local `sentAt` and received
   * at local `receivedAt`.
   */
  sample(redisTime: number, sentAt: number, receivedAt: number): void {
    const rtt = receivedAt - sentAt;
    // The best sample ages: after 30 s any sample may replace it (clocks drift; links change).
    if (rtt <= this.#bestRtt || receivedAt - this.#bestAt > 30_000) {
      this.#bestRtt = rtt;
      this.#bestAt = receivedAt;
      this.#offset = redisTime - (sentAt + rtt / 2);
    }
  }

  /**
   * Ms from now until a Redis time, on the local clock.
   * @param redisTime - A deadline in Redis ms.
   * @returns Ms from now (negative when it has passed).
   */
  until(redisTime: number): number {
    return redisTime - this.redisNow();
  }
}
