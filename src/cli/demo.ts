import { CircuitBreaker, CircuitBreakerTimeoutError } from '../index.js';
import type { CliIo } from './Command.js';
import { FlakyService } from './demo/FlakyService.js';
import { phaseAt, STORY } from './demo/story.js';
import { Tally } from './demo/Tally.js';
import { Timeline } from './demo/Timeline.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Runs the story this many times faster (every duration is divided by it). @default 1 */
  speed?: number;
}

/** What the protected function gets from the service. */
interface Quote {
  price: number;
  source: 'service' | 'cache';
}

/** A non-2xx answer, thrown so that the breaker counts it as a failure. */
class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/**
 * Runs the demo: a flaky HTTP service on 127.0.0.1, steady traffic through a breaker while the
 * service goes down and recovers, a live timeline, and a summary. Ends by itself after
 * {@link STORY}.duration / speed ms, or early when `io.signal` aborts.
 * @returns The exit code: 0 when the story ran to its end, 130 when interrupted.
 */
export async function runDemo(options: DemoOptions, io: CliIo): Promise<number> {
  const speed = options.speed ?? 1;
  const real = (storyMs: number): number => storyMs / speed;
  const service = new FlakyService(real(STORY.healthyLatency), real(STORY.failingLatency));
  const url = await service.start();
  const cached: Quote = { price: 41, source: 'cache' };
  const breaker = new CircuitBreaker({
    name: 'price-api',
    failureThreshold: STORY.breaker.failureThreshold,
    resetTimeout: real(STORY.breaker.resetTimeout),
    timeout: real(STORY.breaker.timeout),
    // The last known price, for calls that fail or are refused while the service is down.
    fallback: () => cached,
  });
  const timeline = new Timeline(io);
  const start = performance.now();
  const storyNow = (): number => (performance.now() - start) * speed;
  let nextTick = STORY.tickInterval;
  // Prints the rows of the seconds that are over, before anything that happened after them.
  const catchUp = (): void => {
    const t = storyNow();
    while (t >= nextTick) {
      timeline.tick(nextTick, breaker.state, tally.takeTick());
      nextTick += STORY.tickInterval;
    }
  };
  const tally = new Tally(breaker, speed, catchUp);
  const path: string[] = [breaker.state];
  let lastFailureTimedOut = false;

  breaker.on('failure', ({ error }) => {
    lastFailureTimedOut = error instanceof CircuitBreakerTimeoutError;
  });
  breaker.on('stateChange', ({ from, to, reason }) => {
    catchUp();
    path.push(to);
    const retry =
      to === 'open' ? `; failing fast for ${(STORY.breaker.resetTimeout / 1000).toFixed(1)} s` : '';
    // Say what happened to the trial: a timeout is not a 500.
    const note = reason === 'trial_failed' && lastFailureTimedOut ? 'trial call timed out' : undefined;
    timeline.transition(storyNow(), from, to, reason, retry, note);
  });

  const fetchQuote = async ({ signal }: { signal: AbortSignal }): Promise<Quote> => {
    const response = await fetch(url, { signal });
    const body = await response.text();
    if (!response.ok) throw new HttpStatusError(response.status);
    return { price: (JSON.parse(body) as { price: number }).price, source: 'service' };
  };

  timeline.header(
    url,
    speed,
    `failureThreshold ${STORY.breaker.failureThreshold}, resetTimeout ${STORY.breaker.resetTimeout} ms, ` +
      `timeout ${STORY.breaker.timeout} ms, fallback: last known price`,
  );
  const inFlight = new Set<Promise<unknown>>();
  let phase = phaseAt(0);
  timeline.service(0, true, phase.note);

  await new Promise<void>((finish) => {
    const step = (): void => {
      catchUp();
      const t = storyNow();
      if (t >= STORY.duration || io.signal.aborted) {
        clearInterval(traffic);
        finish();
        return;
      }
      const current = phaseAt(t);
      if (current !== phase) {
        phase = current;
        service.mode = current.mode;
        timeline.service(t, current.mode === 'healthy', current.note);
      }
      // Every call resolves: the fallback answers failures and refusals alike.
      const call = breaker.call(fetchQuote).finally(() => inFlight.delete(call));
      inFlight.add(call);
    };
    const traffic = setInterval(step, real(STORY.requestInterval));
    step();
  });

  await Promise.allSettled(inFlight);
  const metrics = breaker.metrics();
  tally.stop();
  breaker.dispose();
  await service.close();
  timeline.summary(
    Math.min(storyNow(), STORY.duration),
    tally.total,
    metrics,
    path.join(' → '),
    service.received,
  );
  return io.signal.aborted ? 130 : 0;
}
