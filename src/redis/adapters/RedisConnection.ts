/** What a connection tells the store about itself. */
export interface ConnectionEvents {
  /** The connection is ready for commands (first connect and every reconnect). */
  onReady(): void;
  /** The connection failed or dropped (it reconnects by itself, with a bounded delay). */
  onError(error: unknown): void;
}

/**
 * One of the store's own connections, made from the user's client with `duplicate()` and settings
 * that never block: no offline queue (a command while disconnected fails at once), a short command
 * timeout, a bounded reconnect delay.
 */
export interface RedisConnection {
  /** Whether commands may be sent now. */
  readonly ready: boolean;
  /**
   * Sends one command.
   * @returns The reply.
   * @throws (rejects) on a Redis error, a timeout or while disconnected.
   */
  send(command: string, args: readonly (string | number)[]): Promise<unknown>;
  /** Closes the connection for good (no reconnect), its socket at once: nothing of it keeps the process alive. Never rejects. */
  close(): Promise<void>;
}

/** The settings the store's connections are made with. */
export interface ConnectionSettings {
  /**
   * Ms after which the client library itself gives up a command: a backstop, longer than the
   * store's own deadline (see `SupervisedConnection`), which replaces a connection that stops answering.
   */
  readonly commandTimeout: number;
  /** The longest wait between reconnect attempts, in ms. */
  readonly maxReconnectDelay: number;
}

/**
 * One client library's way of making the store's connections (ioredis, ioredis Cluster, node-redis).
 * Adapters work on the user's client object, duck-typed: no client library is imported.
 */
export interface RedisAdapter {
  /** The library, for messages. */
  readonly kind: string;
  /** A connection for commands (scripts, auto-pipelined). */
  commands(settings: ConnectionSettings, events: ConnectionEvents): RedisConnection;
  /**
   * A connection subscribed to `channel`; it subscribes again after every reconnect.
   * @param onMessage - Receives each message's text.
   */
  subscriber(
    channel: string,
    onMessage: (text: string) => void,
    settings: ConnectionSettings,
    events: ConnectionEvents,
  ): RedisConnection;
}

/** A bounded, growing reconnect delay: 50 ms, 100 ms, 200 ms, … up to `max`. */
export function reconnectDelay(attempt: number, max: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 16), max);
}
