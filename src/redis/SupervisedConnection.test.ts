import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionEvents, RedisConnection } from './adapters/RedisConnection.js';
import { SupervisedConnection } from './SupervisedConnection.js';

/** A connection of the test's making: it answers only when told to. */
class Scripted implements RedisConnection {
  ready = false;
  closed = false;
  readonly sent: Array<{ command: string; resolve: (reply: unknown) => void; reject: (e: unknown) => void }> =
    [];
  constructor(readonly events: ConnectionEvents) {}
  send(command: string): Promise<unknown> {
    return new Promise((resolve, reject) => this.sent.push({ command, resolve, reject }));
  }
  async close(): Promise<void> {
    this.closed = true;
    this.ready = false;
  }
  up(): void {
    this.ready = true;
    this.events.onReady();
  }
}

describe('SupervisedConnection (a connection that stops answering is replaced)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function supervised(commandTimeout = 1_000, readyTimeout = 3_000) {
    const made: Scripted[] = [];
    const log: string[] = [];
    const connection = new SupervisedConnection(
      (events) => {
        const next = new Scripted(events);
        made.push(next);
        return next;
      },
      commandTimeout,
      readyTimeout,
      {
        onReady: () => log.push('ready'),
        onError: (error) => log.push(`error: ${String(error)}`),
        onReplaced: (reason) => log.push(`replaced: ${reason.message}`),
      },
    );
    return { connection, made, log };
  }

  it('a command past commandTimeout rejects, and the connection it was sent on is replaced', async () => {
    const { connection, made, log } = supervised();
    made[0]!.up();
    const answered = connection.send('PING', []);
    made[0]!.sent[0]!.resolve('PONG');
    await expect(answered).resolves.toBe('PONG');
    const stalled = connection.send('EVALSHA', []);
    const caught = stalled.catch((error: unknown) => error);
    vi.advanceTimersByTime(999);
    expect(made).toHaveLength(1);
    vi.advanceTimersByTime(2);
    expect(String(await caught)).toContain('Redis did not answer `EVALSHA` within 1000 ms');
    expect(made).toHaveLength(2);
    expect(made[0]!.closed).toBe(true);
    expect(connection.ready).toBe(false); // a lost connection until the new one is up
    expect(connection.replaced).toBe(1);
    expect(log.at(-1)).toContain('replaced: Redis did not answer `EVALSHA`');
    made[1]!.up();
    expect(connection.ready).toBe(true);
    // A reply that comes late on the old connection changes nothing.
    made[0]!.sent[1]!.resolve('late');
    await Promise.resolve();
    expect(connection.replaced).toBe(1);
  });

  it('commands that time out together replace the connection once', async () => {
    const { connection, made } = supervised();
    made[0]!.up();
    const all = [1, 2, 3].map(() => connection.send('EVALSHA', []).catch(() => 'timed out'));
    vi.advanceTimersByTime(1_001);
    expect(await Promise.all(all)).toEqual(['timed out', 'timed out', 'timed out']);
    expect(connection.replaced).toBe(1);
  });

  it('a connection that is not ready within readyTimeout (a handshake never answered) is replaced', () => {
    const { connection, made, log } = supervised(1_000, 3_000);
    vi.advanceTimersByTime(2_999);
    expect(made).toHaveLength(1);
    vi.advanceTimersByTime(2);
    expect(made).toHaveLength(2);
    expect(log.at(-1)).toContain('did not complete a connection within 3000 ms');
    made[1]!.up();
    vi.advanceTimersByTime(10_000);
    expect(made).toHaveLength(2);
    expect(connection.ready).toBe(true);
    // A lost connection that does not come back in time is replaced too.
    made[1]!.ready = false;
    made[1]!.events.onError(new Error('ECONNRESET'));
    vi.advanceTimersByTime(3_001);
    expect(made).toHaveLength(3);
  });

  it('revive(): a connection stuck in its handshake longer than commandTimeout starts anew at once', () => {
    const { connection, made } = supervised(1_000, 3_000);
    vi.advanceTimersByTime(500);
    connection.revive(); // still within commandTimeout: it may yet come up
    expect(made).toHaveLength(1);
    vi.advanceTimersByTime(600);
    connection.revive();
    expect(made).toHaveLength(2);
    made[1]!.up();
    vi.advanceTimersByTime(5_000);
    connection.revive(); // ready: nothing to do
    expect(made).toHaveLength(2);
  });

  it('a reply out of step replaces the connection; a quiet one is pinged', async () => {
    const { connection, made } = supervised();
    made[0]!.up();
    const pending = connection.send('EVALSHA', []).catch((error: unknown) => String(error));
    connection.outOfStep(new TypeError('Unexpected reply'));
    expect(made).toHaveLength(2);
    // What waited on the old connection fails at once, not whenever its library lets go of it.
    expect(await pending).toBe('TypeError: Unexpected reply');
    made[0]!.sent[0]!.reject(new Error('Connection is closed.'));
    made[1]!.up();
    connection.heartbeat(5_000);
    expect(made[1]!.sent).toHaveLength(0); // answered recently (ready counts)
    vi.advanceTimersByTime(5_000);
    connection.heartbeat(5_000);
    connection.heartbeat(5_000);
    expect(made[1]!.sent.map((s) => s.command)).toEqual(['PING']); // one at a time
    vi.advanceTimersByTime(1_001); // no PONG
    expect(made).toHaveLength(3);
  });

  it('close() rejects what waits, closes the connection and leaves no timer', async () => {
    const { connection, made } = supervised();
    made[0]!.up();
    const waiting = connection.send('EVALSHA', []).catch((error: unknown) => String(error));
    await connection.close();
    expect(await waiting).toContain('closed');
    expect(made[0]!.closed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    await expect(connection.send('PING', [])).rejects.toThrow('closed');
  });
});
