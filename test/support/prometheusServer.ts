import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { freePort, poll as waitFor } from '../../bench/lib/redis-server.js';

/** Debian's Prometheus (`apt-get install -y prometheus`), and its `promtool`. */
export const PROMETHEUS = process.env.PROMETHEUS_PATH ?? 'prometheus';
export const PROMTOOL = process.env.PROMTOOL_PATH ?? 'promtool';

/** Whether the `prometheus` binary can be run on this machine. */
export const hasPrometheus = spawnSync(PROMETHEUS, ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * `describe` for tests that need a real Prometheus server: without the binary they are skipped,
 * loudly, unless `REQUIRE_PROMETHEUS=1` (CI), where they run and fail on the missing tool.
 */
export function describePrometheus(name: string, body: () => void): void {
  if (hasPrometheus || process.env.REQUIRE_PROMETHEUS === '1') {
    describe(name, body);
    return;
  }
  console.warn(
    `\n\u001b[33m⚠ SKIPPED "${name}": the prometheus binary is not installed ` +
      '(`apt-get install -y prometheus`, or set PROMETHEUS_PATH; REQUIRE_PROMETHEUS=1 makes this a failure)\u001b[0m\n',
  );
  describe.skip(name, body);
}

/** One sample of an instant vector, as the HTTP API gives it. */
export interface VectorSample {
  readonly metric: Readonly<Record<string, string>>;
  /** Seconds since the epoch (the evaluation time). */
  readonly time: number;
  readonly value: number;
}

/**
 * A real Prometheus server for one test file: the binary started on a free loopback port with a
 * temporary storage folder and the configuration given, stopped (through its own pid) and its folder
 * removed by {@link PrometheusServer.stop}.
 */
export class PrometheusServer {
  port = 0;
  /** Its folder (configuration, rules, storage), made by {@link PrometheusServer.start}. */
  dir = '';
  #process: ChildProcess | undefined;
  #log = '';

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What the server wrote to stderr (its log), for a failure message. */
  get log(): string {
    return this.#log;
  }

  /**
   * Writes `files` (name → text: `prometheus.yml` and the rule files it names) into the server's
   * folder and starts the server.
   * @returns Once it answers `/-/ready`.
   */
  async start(files: Readonly<Record<string, string>>): Promise<this> {
    this.dir = mkdtempSync(join(tmpdir(), 'breakwater-prometheus-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(this.dir, name), text);
    this.port = await freePort();
    const child = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(this.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${this.port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.#process = child;
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#log = (this.#log + chunk).slice(-20_000);
    });
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`Cannot start ${PROMETHEUS}: ${error.message}`)));
      child.once('exit', (code) => reject(new Error(`prometheus exited (${code}):\n${this.#log}`)));
    });
    failed.catch(() => {}); // reported through the race below, or not at all once ready
    await Promise.race([
      failed,
      waitFor(
        async () => (await fetch(`${this.url}/-/ready`).catch(() => undefined))?.status === 200,
        `prometheus ready on port ${this.port}`,
        30_000,
        100,
      ),
    ]);
    return this;
  }

  /**
   * An instant query through `/api/v1/query`.
   * @param time - Evaluation time in seconds since the epoch (default: now).
   * @returns The vector's samples.
   * @throws Error when the query fails or is not a vector.
   */
  async query(expr: string, time?: number): Promise<VectorSample[]> {
    const params = new URLSearchParams({ query: expr });
    if (time !== undefined) params.set('time', String(time));
    const response = await fetch(`${this.url}/api/v1/query?${params}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== 'success' || body.data?.resultType !== 'vector') {
      throw new Error(`Query failed: ${expr}: ${body.error ?? JSON.stringify(body.data)}`);
    }
    return body.data.result.map(({ metric, value }) => ({
      metric,
      time: value[0],
      value: Number(value[1]),
    }));
  }

  /** A GET of the HTTP API (`/api/v1/rules`, `/api/v1/targets`...), its `data`. */
  async api<T>(path: string): Promise<T> {
    const body = (await (await fetch(`${this.url}/api/v1/${path}`)).json()) as { status: string; data: T };
    if (body.status !== 'success') throw new Error(`GET /api/v1/${path}: ${JSON.stringify(body)}`);
    return body.data;
  }

  /** Stops the server (SIGTERM to its own pid, SIGKILL after 10 s) and removes its folder. */
  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (this.dir !== '') rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Runs `promtool` with `args`, `input` on stdin.
 * @returns Its exit status and output.
 */
export function promtool(args: readonly string[], input?: string): { status: number | null; output: string } {
  const run = spawnSync(PROMTOOL, args, { input, encoding: 'utf8' });
  if (run.error !== undefined) throw new Error(`Cannot run ${PROMTOOL}: ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
