import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeRedis, RedisServer, waitFor } from '../test/support/redisServer.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Resolves with the exit code and signal once the child's output is read, or with `undefined` if it is still running at `deadline` ms. */
function exitWithin(child: ChildProcess, deadline: number) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), deadline);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

describeRedis('examples/redis-shutdown.ts', () => {
  const server = new RedisServer();
  let child: ChildProcess | undefined;
  beforeAll(() => server.start(), 30_000);
  afterEach(() => {
    if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  afterAll(() => server.dispose());

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s the process closes the registry, the store and its client, and exits by itself',
    async (signal) => {
      server.cli('FLUSHALL');
      const running = spawn(process.execPath, ['--import', 'tsx', 'examples/redis-shutdown.ts'], {
        cwd: root,
        env: { ...process.env, REDIS_URL: server.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = running;
      let stdout = '';
      let stderr = '';
      running.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      running.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      await waitFor(() => stdout.includes('ready'), 'the example to start', 30_000);
      // The store is live: its breaker is in Redis's index, so its connections are open.
      await waitFor(() => server.cli('SCARD', 'breakwater:breakers') !== '0', 'the breaker in Redis', 15_000);

      running.kill(signal);
      // Generous: shutting down takes a flush and two closes on loopback (milliseconds). A process
      // kept alive by a connection never exits, and fails here.
      const exit = await exitWithin(running, 15_000);
      expect(exit, `still running 15 s after ${signal}; stderr: ${stderr}`).toEqual({
        code: 0,
        signal: null,
      });
      expect(stdout).toContain(`stoppedBy: '${signal}'`);
      expect(stderr).toBe('');
    },
    60_000,
  );
});
