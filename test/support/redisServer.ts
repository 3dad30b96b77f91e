import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { freePort, ping, poll as waitFor } from '../../bench/lib/redis-server.js';

/** Whether `redis-server` (and `redis-cli`) can be run on this machine. */
export const hasRedis = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
const required = process.env.REQUIRE_REDIS === '1';

/**
 * `describe` for tests that need a real Redis: without `redis-server` they are skipped, loudly,
 * unless `REQUIRE_REDIS=1` (CI), where they run and fail on the missing tool.
 */
export function describeRedis(name: string, body: () => void): void {
  if (hasRedis || required) {
    describe(name, body);
    return;
  }
  console.warn(
    `\n*** SKIPPED "${name}": redis-server is not installed (set REQUIRE_REDIS=1 to make this a failure) ***\n`,
  );
  describe.skip(name, body);
}

// One copy of the loopback helpers, shared with the bench's Redis rows.
export { freePort, poll as waitFor } from '../../bench/lib/redis-server.js';

/**
 * A real `redis-server` for one test file, on a free loopback port, with no persistence. Stopped,
 * frozen and restarted through its own pid only.
 */
export class RedisServer {
  port = 0;
  #process: ChildProcess | undefined;
  readonly #extra: readonly string[];
  readonly #dir = mkdtempSync(join(tmpdir(), 'breakwater-redis-'));

  /** @param extra - More `redis-server` arguments (e.g. cluster mode). */
  constructor(extra: readonly string[] = []) {
    this.#extra = extra;
  }

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * Starts the server (on the same port as before after a {@link RedisServer.stop}).
   * @returns Once it answers PING.
   */
  async start(): Promise<this> {
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
        ...this.#extra,
      ],
      { stdio: 'ignore' },
    );
    this.#process = child;
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`Cannot start redis-server: ${error.message}`)));
    });
    await Promise.race([
      failed,
      waitFor(
        async () => (await ping(this.port).catch(() => '')).includes('PONG'),
        `redis-server on port ${this.port}`,
      ),
    ]);
    return this;
  }

  /** Stops the server (SIGKILL of its own pid: the port closes, connections drop). */
  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
  freeze(): void {
    this.#process?.kill('SIGSTOP');
  }

  /** Thaws a frozen server (SIGCONT). */
  thaw(): void {
    this.#process?.kill('SIGCONT');
  }

  /** Runs `redis-cli` against this server. @returns Its stdout, trimmed. */
  cli(...args: string[]): string {
    const run = spawnSync('redis-cli', ['-p', String(this.port), ...args], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout.trim();
  }

  /** Stops the server and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
