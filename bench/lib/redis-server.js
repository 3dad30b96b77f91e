// @ts-check
/**
 * A real `redis-server` for one bench scenario: on a free loopback port, with no persistence
 * (`--save '' --appendonly no`), stopped by its own pid. The same settings as the tests'
 * test/support/redisServer.ts, in plain JavaScript so that `node bench/<group>.js` needs no loader.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The server binary: `redis-server`, or BENCH_REDIS_SERVER (a test names a missing one). */
const SERVER = process.env.BENCH_REDIS_SERVER ?? 'redis-server';

/** Whether `redis-server` can be run on this machine. */
export const hasRedisServer = spawnSync(SERVER, ['--version'], { stdio: 'ignore' }).status === 0;

/** The note of every row a scenario cannot measure without `redis-server`. */
export const NO_REDIS = 'pending: redis-server not installed';

/**
 * Whether a scenario may go on: `false` (its rows are then pending) when `redis-server` is missing,
 * unless `REQUIRE_REDIS=1`, where a missing server is an error (as in the tests).
 * @returns {boolean}
 * @throws Error when `REQUIRE_REDIS=1` and `redis-server` is missing.
 */
export function redisAvailable() {
  if (hasRedisServer) return true;
  if (process.env.REQUIRE_REDIS === '1')
    throw new Error('REQUIRE_REDIS=1 but redis-server is not installed (apt-get install redis-server)');
  console.warn('\n*** bench: redis-server is not installed; the Redis rows stay pending ***\n');
  return false;
}

/** @returns {Promise<number>} A free TCP port on 127.0.0.1. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  return address.port;
}

/**
 * Sends `PING` inline and resolves with the first reply (or rejects within 500 ms).
 * @param {number} port
 * @returns {Promise<string>}
 */
export function ping(port) {
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
 * Polls `condition` until it holds, or rejects after `timeout` ms (real time).
 * @param {() => boolean | Promise<boolean>} condition
 * @param {string} what - Named in the error.
 * @param {number} [timeout]
 * @param {number} [interval]
 * @returns {Promise<void>}
 */
export async function poll(condition, what, timeout = 10_000, interval = 10) {
  const deadline = performance.now() + timeout;
  for (;;) {
    if (await condition()) return;
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/**
 * Starts a `redis-server` on a free loopback port and resolves once it answers `PING`.
 * @returns {Promise<{ port: number, stop: () => Promise<void> }>} `stop()` kills that pid (SIGKILL)
 *   and removes its directory.
 */
export async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'breakwater-bench-redis-'));
  const child = spawn(
    SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const exited = new Promise((resolve) => child.once('exit', () => resolve(undefined)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      new Promise((_, reject) =>
        child.once('error', (error) => reject(new Error(`Cannot start redis-server: ${error.message}`))),
      ),
      poll(async () => (await ping(port).catch(() => '')).includes('PONG'), `redis-server on port ${port}`),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, stop };
}

/**
 * Parses the reply of `INFO commandstats` into calls per command (`evalsha: 120`, …).
 * @param {string} info
 * @returns {Record<string, number>}
 */
export function commandCalls(info) {
  /** @type {Record<string, number>} */
  const calls = {};
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match) calls[/** @type {string} */ (match[1])] = Number(match[2]);
  }
  return calls;
}

/**
 * Parses the reply of `INFO cpu` into the CPU seconds the server used (user + system, main thread
 * and children).
 * @param {string} info
 * @returns {number}
 */
export function cpuSeconds(info) {
  let seconds = 0;
  for (const line of info.split(/\r?\n/)) {
    const match = /^used_cpu_(?:sys|user):([\d.]+)/.exec(line);
    if (match) seconds += Number(match[1]);
  }
  return seconds;
}
