import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';

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

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Sends one inline command and resolves with the first reply line (or rejects). */
function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error('timeout'));
    });
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString());
    });
  });
}

/**
 * Polls `condition` until it holds or `timeout` ms pass (real time: for servers and processes).
 * @throws Error naming `what` after the deadline.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeout = 10_000,
  interval = 20,
): Promise<void> {
  const deadline = performance.now() + timeout;
  for (;;) {
    if (await condition()) return;
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

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
