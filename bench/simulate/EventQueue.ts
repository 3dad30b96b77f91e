/** Something that happens at a simulated time. */
export interface TimedEvent {
  /** When it happens, in ms of simulated time. */
  readonly time: number;
}

/** Whether (timeA, seqA) comes before (timeB, seqB): earlier, or as early and pushed first. */
function before(timeA: number, seqA: number, timeB: number, seqB: number): boolean {
  return timeA < timeB || (timeA === timeB && seqA < seqB);
}

/**
 * The pending events of a discrete-event simulation: a binary min-heap on time. Events at the same
 * time come out in the order they were pushed, so a run is deterministic.
 */
export class EventQueue<E extends TimedEvent> {
  /** The heap; `#seqs[i]` is the push number of `#events[i]`, the tie-breaker. */
  readonly #events: E[] = [];
  readonly #seqs: number[] = [];
  #pushed = 0;

  /** The number of pending events. */
  get size(): number {
    return this.#events.length;
  }

  /**
   * Adds an event.
   * @param event - The event; its `time` may be earlier than that of events already popped.
   */
  push(event: E): void {
    const events = this.#events;
    const seqs = this.#seqs;
    const seq = this.#pushed++;
    let i = events.length;
    events.push(event);
    seqs.push(seq);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event.time, seq, events[parent]!.time, seqs[parent]!)) break;
      events[i] = events[parent]!;
      seqs[i] = seqs[parent]!;
      i = parent;
    }
    events[i] = event;
    seqs[i] = seq;
  }

  /**
   * Removes the earliest event.
   * @returns The earliest event (the first pushed among equal times), or `undefined` when empty.
   */
  pop(): E | undefined {
    const events = this.#events;
    const seqs = this.#seqs;
    const top = events[0];
    const last = events.pop();
    const lastSeq = seqs.pop();
    if (last === undefined || lastSeq === undefined || events.length === 0) return top;
    const n = events.length;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && before(events[right]!.time, seqs[right]!, events[child]!.time, seqs[child]!)) {
        child = right;
      }
      if (!before(events[child]!.time, seqs[child]!, last.time, lastSeq)) break;
      events[i] = events[child]!;
      seqs[i] = seqs[child]!;
      i = child;
    }
    events[i] = last;
    seqs[i] = lastSeq;
    return top;
  }
}
