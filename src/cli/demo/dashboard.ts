import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdminHandler } from '../../http/index.js';
import { CircuitBreakerRegistry } from '../../index.js';
import type { CliIo } from '../Command.js';
import { createStyle } from '../style.js';
import { UsageError } from '../UsageError.js';
import { FlakyService } from './FlakyService.js';
import { phaseAt, STORY } from './story.js';
import { Timeline } from './Timeline.js';

/** Options of {@link runDashboardDemo}. */
export interface DashboardDemoOptions {
  /** Runs the story this many times faster. @default 1 */
  speed?: number;
  /** Port of the dashboard on 127.0.0.1 (0: any free port). @default 0 */
  port?: number;
}

/** Not a failure of the dependency's caller: an answer that is not 2xx. */
class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/**
 * `breakwater demo --dashboard`: the demo's story on a loop, with the live dashboard served on
 * 127.0.0.1 until Ctrl-C. Two services get steady traffic through a registry: the flaky one of the
 * story (healthy, failing, hanging, recovering, again and again) and a steady one, for contrast.
 * Prints the dashboard's address and a control token, then each phase and transition.
 * @returns 130 when interrupted (the only way it ends).
 */
export async function runDashboardDemo(options: DashboardDemoOptions, io: CliIo): Promise<number> {
  const speed = options.speed ?? 1;
  const real = (storyMs: number): number => storyMs / speed;
  const flaky = new FlakyService(real(STORY.healthyLatency), real(STORY.failingLatency));
  const steady = new FlakyService(real(12), real(12));
  const [priceUrl, catalogUrl] = await Promise.all([flaky.start(), steady.start()]);
  const registry = new CircuitBreakerRegistry({ defaults: { latencySampling: 1 } });
  const prices = registry.register('price-api', {
    failureThreshold: STORY.breaker.failureThreshold,
    resetTimeout: real(STORY.breaker.resetTimeout),
    timeout: real(STORY.breaker.timeout),
    fallback: () => ({ price: 41, source: 'cache' }),
  });
  const catalog = registry.register('catalog-api', { failureRateThreshold: 0.5, timeout: real(1000) });
  const token = randomBytes(12).toString('hex');
  const handler = createAdminHandler(registry, { token, title: 'breakwater demo' });
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  }).catch(async (error: unknown) => {
    await Promise.all([flaky.close(), steady.close()]);
    throw new UsageError(`demo: cannot serve the dashboard: ${(error as Error).message}`);
  });
  const { port } = server.address() as AddressInfo;

  const s = createStyle(io.color);
  const timeline = new Timeline(io);
  io.out(
    `${s.bold('breakwater demo --dashboard')}${speed === 1 ? '' : s.dim(` (speed ×${speed})`)}\n` +
      `  dashboard      ${s.cyan(`http://127.0.0.1:${port}/`)}\n` +
      `  control token  ${token}  ${s.dim('(the buttons ask for it once)')}\n` +
      `  services       ${priceUrl} (flaky: the demo's story, on a loop), ${catalogUrl} (steady)\n` +
      s.dim('  Ctrl-C to stop.\n\n'),
  );

  const start = performance.now();
  const storyNow = (): number => (performance.now() - start) * speed;
  prices.on('stateChange', ({ from, to, reason }) => timeline.transition(storyNow(), from, to, reason));
  catalog.on('stateChange', ({ from, to, reason }) =>
    timeline.transition(storyNow(), from, to, reason, ' (catalog-api)'),
  );
  const get = async (url: string, signal: AbortSignal): Promise<unknown> => {
    const response = await fetch(url, { signal });
    const body = await response.text();
    if (!response.ok) throw new HttpStatusError(response.status);
    return JSON.parse(body);
  };
  const inFlight = new Set<Promise<unknown>>();
  const send = (call: Promise<unknown>): void => {
    const settled = call.catch(() => {}).finally(() => inFlight.delete(settled));
    inFlight.add(settled);
  };

  let phase = phaseAt(0);
  timeline.service(0, true, phase.note);
  await new Promise<void>((finish) => {
    const step = (): void => {
      if (io.signal.aborted) {
        clearInterval(traffic);
        finish();
        return;
      }
      const t = storyNow();
      const current = phaseAt(t % STORY.duration);
      if (current !== phase) {
        phase = current;
        flaky.mode = current.mode;
        timeline.service(t, current.mode === 'healthy', current.note);
      }
      send(prices.call(({ signal }) => get(priceUrl, signal)));
      send(catalog.call(({ signal }) => get(catalogUrl, signal)));
    };
    const traffic = setInterval(step, real(STORY.requestInterval));
    io.signal.addEventListener('abort', step, { once: true });
    step();
  });

  handler.close();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await Promise.allSettled(inFlight);
  registry.close();
  await Promise.all([flaky.close(), steady.close()]);
  io.out(`\n${s.dim('Stopped.')}\n`);
  return 130;
}

/**
 * Parses `--port`.
 * @throws {@link UsageError} for anything but an integer from 0 to 65535.
 */
export function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`demo: expected \`--port\` to be an integer from 0 to 65535, got \`${value}\`.`);
  }
  return port;
}
