import type { ConnectionEvents, RedisConnection } from './adapters/RedisConnection.js';

/** One command waiting for its reply, in send order. */
interface Waiting {
  readonly command: string;
  readonly deadline: number;
  readonly connection: RedisConnection;
  readonly reject: (error: unknown) => void;
}

/** What a {@link SupervisedConnection} is told when it replaces its connection. */
export interface SupervisionEvents extends ConnectionEvents {
  /** The connection was given up as unresponsive (a new one is on its way). */
  onReplaced(reason: Error): void;
}

/**
 * @internal One of the store's connections, replaced when Redis stops answering on it. A TCP
 * connection can stay up while nothing answers (Redis frozen or paused, a partition without a
 * reset, a link that drops bytes so that replies fall out of step): the client library then waits
 * forever, or times a command out and keeps the connection. Here every command has a deadline of
 * `commandTimeout` (one timer for all of them, armed on the oldest), and a command that misses it,
 * a connection that is not ready within `readyTimeout`, or a reply the store cannot read destroys
 * the connection and makes a new one: an unresponsive Redis is a lost connection.
 */
export class SupervisedConnection implements RedisConnection {
  readonly #make: (events: ConnectionEvents) => RedisConnection;
  readonly #events: SupervisionEvents;
  readonly #commandTimeout: number;
  readonly #readyTimeout: number;
  /** Commands sent and not answered, oldest first (a Set keeps insertion order). */
  readonly #waiting = new Set<Waiting>();
  #connection: RedisConnection;
  #deadlineTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  #readyTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  #closed = false;
  #replaced = 0;
  #pinging = false;
  #lastAnswer = performance.now();
  /** Local ms since when the current connection has not been ready (`undefined` while it is). */
  #waitingSince: number | undefined = performance.now();

  /**
   * @param make - Makes a connection (the adapter's `commands` or `subscriber`) reporting to `events`.
   * @param commandTimeout - Ms a command may wait for its reply.
   * @param readyTimeout - Ms a new connection may take to become ready.
   * @param events - Told when a connection is ready, fails, or is replaced.
   */
  constructor(
    make: (events: ConnectionEvents) => RedisConnection,
    commandTimeout: number,
    readyTimeout: number,
    events: SupervisionEvents,
  ) {
    this.#make = make;
    this.#commandTimeout = commandTimeout;
    this.#readyTimeout = readyTimeout;
    this.#events = events;
    this.#connection = this.#open();
  }

  get ready(): boolean {
    return !this.#closed && this.#connection.ready;
  }

  /** Connections given up as unresponsive so far. */
  get replaced(): number {
    return this.#replaced;
  }

  /**
   * Sends one command with a deadline of `commandTimeout`.
   * @returns The reply.
   * @throws (rejects) on a Redis error, while disconnected, after `close()`, or when the deadline
   * passes (the connection is then replaced).
   */
  send(command: string, args: readonly (string | number)[]): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('This Redis connection is closed'));
    const connection = this.#connection;
    return new Promise((resolve, reject) => {
      const waiting: Waiting = {
        command,
        deadline: performance.now() + this.#commandTimeout,
        connection,
        reject,
      };
      this.#waiting.add(waiting);
      this.#deadlineTimer ??= unref(setTimeout(() => this.#expire(), this.#commandTimeout));
      connection.send(command, args).then(
        (reply) => {
          if (!this.#waiting.delete(waiting)) return; // timed out already
          this.#lastAnswer = performance.now();
          resolve(reply);
        },
        (error: unknown) => {
          if (!this.#waiting.delete(waiting)) return;
          reject(error);
        },
      );
    });
  }

  /**
   * The store could not read a reply of this connection (replies out of step, or not ours): it is
   * given up and replaced.
   * @param reason - What was wrong.
   */
  outOfStep(reason: Error): void {
    this.#replace(reason);
  }

  /**
   * Another connection to the same Redis just became ready: if this one has waited longer than
   * `commandTimeout` for its handshake (its bytes were lost, say), it starts anew now rather than at
   * its ready deadline.
   */
  revive(): void {
    const since = this.#waitingSince;
    if (this.#closed || this.ready || since === undefined) return;
    if (performance.now() - since > this.#commandTimeout)
      this.#replace(
        new Error('Redis answers again: a connection still waiting for its handshake starts anew'),
      );
  }

  /**
   * Checks an idle connection: a `PING` when nothing was answered for `idle` ms (its deadline
   * replaces the connection if Redis does not answer). For the subscriber, which otherwise only
   * listens and would never notice a Redis that stopped answering.
   * @param idle - Ms without an answer after which to ping.
   */
  heartbeat(idle: number): void {
    if (this.#pinging || !this.ready || performance.now() - this.#lastAnswer < idle) return;
    this.#pinging = true;
    this.send('PING', []).then(
      () => {
        this.#pinging = false;
      },
      () => {
        this.#pinging = false;
      },
    );
  }

  /** Closes the connection for good (its socket at once) and rejects what waits. Never rejects. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearTimers();
    const error = new Error('This Redis connection is closed');
    for (const waiting of this.#waiting) waiting.reject(error);
    this.#waiting.clear();
    await this.#connection.close().catch(() => {});
  }

  #open(): RedisConnection {
    this.#waitingSince = performance.now();
    let connection: RedisConnection | undefined;
    const current = () => connection !== undefined && connection === this.#connection && !this.#closed;
    connection = this.#make({
      onReady: () => {
        if (!current()) return;
        this.#lastAnswer = performance.now();
        this.#waitingSince = undefined;
        if (this.#readyTimer !== undefined) clearTimeout(this.#readyTimer);
        this.#readyTimer = undefined;
        this.#events.onReady();
      },
      onError: (error) => {
        if (!current()) return;
        if (!connection!.ready) this.#waitingSince ??= performance.now();
        this.#watchReady();
        this.#events.onError(error);
      },
    });
    this.#watchReady();
    return connection;
  }

  /** Arms the ready deadline unless the connection is ready or the deadline is armed. */
  #watchReady(): void {
    if (this.#readyTimer !== undefined || this.#closed) return;
    this.#readyTimer = unref(
      setTimeout(() => {
        this.#readyTimer = undefined;
        if (this.#closed || this.#connection.ready) return;
        this.#replace(
          new Error(`Redis did not complete a connection within ${this.#readyTimeout} ms; connecting anew`),
        );
      }, this.#readyTimeout),
    );
  }

  /** Rejects every command past its deadline; one that was sent on the current connection replaces it. */
  #expire(): void {
    this.#deadlineTimer = undefined;
    const now = performance.now();
    let stale: Error | undefined;
    for (const waiting of this.#waiting) {
      if (waiting.deadline > now + 1) break; // in send order: the rest are later
      this.#waiting.delete(waiting);
      const error = new Error(
        `Redis did not answer \`${waiting.command}\` within ${this.#commandTimeout} ms (commandTimeout); ` +
          'the connection is replaced',
      );
      waiting.reject(error);
      if (waiting.connection === this.#connection) stale ??= error;
    }
    const next = this.#waiting.values().next();
    if (!next.done)
      this.#deadlineTimer = unref(setTimeout(() => this.#expire(), Math.max(1, next.value.deadline - now)));
    if (stale !== undefined) this.#replace(stale);
  }

  /** Gives up the current connection (its socket at once) and makes a new one. */
  #replace(reason: Error): void {
    if (this.#closed) return;
    const old = this.#connection;
    this.#replaced++;
    if (this.#readyTimer !== undefined) clearTimeout(this.#readyTimer);
    this.#readyTimer = undefined;
    this.#connection = this.#open();
    // What still waits on the old connection fails now, not whenever its library gets to it (after
    // the new connection is up, that would count as a new episode).
    for (const waiting of this.#waiting) {
      if (waiting.connection !== old) continue;
      this.#waiting.delete(waiting);
      waiting.reject(reason);
    }
    old.close().catch(() => {});
    this.#events.onReplaced(reason);
  }

  #clearTimers(): void {
    if (this.#deadlineTimer !== undefined) clearTimeout(this.#deadlineTimer);
    if (this.#readyTimer !== undefined) clearTimeout(this.#readyTimer);
    this.#deadlineTimer = undefined;
    this.#readyTimer = undefined;
  }
}

function unref<T>(handle: T): T {
  (handle as { unref?: () => void }).unref?.();
  return handle;
}
