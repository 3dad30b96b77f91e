import type { ServerResponse } from 'node:http';

/**
 * @internal One event-stream connection, with a bounded buffer. A write that the socket cannot take
 * at once (`write()` returning false) marks the client congested until the buffer drains: while
 * congested it is sent no ticks or heartbeats (they would be stale by the time they arrive), only
 * transitions. A client whose unread bytes pass `maxBufferBytes` (checked before each write, so
 * that one event always fits), or which stays congested longer than `stallTimeout`, is dropped: a client that never reads costs a bounded amount, not a buffer
 * that grows for as long as it stays connected.
 */
export class SseClient {
  readonly #res: ServerResponse;
  readonly #maxBufferBytes: number;
  readonly #stallTimeout: number;
  readonly #onDrain = (): void => {
    this.#congestedSince = undefined;
  };
  #congestedSince: number | undefined = undefined;
  #closed = false;

  /**
   * @param res - The response, with the stream's headers sent.
   * @param onClose - Called once when the connection ends, whichever side ends it.
   */
  constructor(res: ServerResponse, maxBufferBytes: number, stallTimeout: number, onClose: () => void) {
    this.#res = res;
    this.#maxBufferBytes = maxBufferBytes;
    this.#stallTimeout = stallTimeout;
    res.on('drain', this.#onDrain);
    res.once('close', () => {
      this.#closed = true;
      res.off('drain', this.#onDrain);
      onClose();
    });
  }

  /**
   * Writes one event (or comment).
   * @param droppable - Whether it may be skipped while the client is congested (ticks, heartbeats).
   * @param now - A monotonic time in ms, for the stall check.
   */
  send(chunk: string, droppable: boolean, now: number): void {
    if (this.#closed) return;
    // What is still unread from earlier writes: one event always fits, a growing backlog does not.
    if (this.#res.writableLength > this.#maxBufferBytes) {
      this.drop();
      return;
    }
    if (this.#congestedSince !== undefined) {
      if (now - this.#congestedSince > this.#stallTimeout) {
        this.drop();
        return;
      }
      if (droppable) return;
    }
    if (!this.#res.write(chunk)) this.#congestedSince ??= now;
  }

  /** Ends the stream politely (the client may reconnect). */
  end(): void {
    if (!this.#closed) this.#res.end();
  }

  /** Cuts the connection: a client too slow to keep up, or gone without closing. */
  drop(): void {
    if (!this.#closed) this.#res.destroy();
  }
}
