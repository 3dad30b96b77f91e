import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ping, poll } from '../lib/redis-server.js';

/**
 * A `redis-server` for a chaos campaign, on a free loopback port with no persistence, that can be
 * frozen (SIGSTOP), thawed, killed and started again on the same port. Every signal goes to its own
 * pid only.
 */
export class RedisProcess {
  port = 0;
  #child: ChildProcess | undefined;
  readonly #dir = mkdtempSync(join(tmpdir(), 'breakwater-chaos-redis-'));

  /** Starts the server (on the same port after a kill) and resolves once it answers PING. */
  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.#dir,
      ],
      { stdio: 'ignore' },
    );
    this.#child = child;
    const failed = new Promise<never>((_, reject) =>
      child.once('error', (error) => reject(new Error(`Cannot start redis-server: ${error.message}`))),
    );
    await Promise.race([failed, this.answers()]);
  }

  /** Resolves once the server answers PING (after a thaw, a pause or a restart). */
  answers(timeout = 20_000): Promise<void> {
    return poll(
      async () => (await ping(this.port).catch(() => '')).includes('PONG'),
      `redis-server on port ${this.port} to answer`,
      timeout,
      20,
    );
  }

  /** SIGSTOP: connections stay open, nothing answers. */
  freeze(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** SIGCONT. */
  thaw(): void {
    this.#child?.kill('SIGCONT');
  }

  /** SIGKILL, and waits for the exit: the port closes, connections drop. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  }

  /**
   * Runs `redis-cli` against the server (never while it is frozen or paused: it would wait).
   * @returns Its stdout, trimmed.
   */
  cli(...args: string[]): string {
    const run = spawnSync('redis-cli', ['-p', String(this.port), ...args], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    if (run.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout.trim();
  }

  /** Kills the server and removes its directory. */
  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
