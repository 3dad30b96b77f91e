/**
 * The adaptive concurrency limit and polite retries:
 *
 * - a dependency of 8 workers (it serves 8 calls at once; more wait in its queue) behind a breaker
 *   with `maxConcurrentCalls: { adaptive: true }`: the limit learns about 1.5 times the workers from
 *   latency alone; when the dependency becomes 4 times slower for good it drops to its floor, learns
 *   the new no-load latency there, and comes back to the same size (the workers did not change);
 * - `retry()` against a `node:http` service that answers 503 with `Retry-After: 1` once, then 200:
 *   `retryOnResult` retries the 503, the wait is the second its header asks, and a shared
 *   `RetryBudget` counts the call and the retry.
 *
 * The first part runs on a `FakeClock` (deterministic, instant); the second on real timers and a real
 * server (about a second). Run: `npx tsx examples/concurrency-and-retry.ts`.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CircuitBreaker, FakeClock, type Permit, RetryBudget, retry } from 'breakwater';
import { runIfMain } from './support/runIfMain.js';

/** What {@link main} saw, for its test. */
export interface ConcurrencyAndRetryOutcome {
  /** The limit and the no-load latency learned on the fast dependency. */
  fast: { limit: number; noLoadMs: number };
  /** The lowest limit while the dependency slowed down. */
  lowest: number;
  /** The limit and the no-load latency learned on the slow dependency. */
  slow: { limit: number; noLoadMs: number };
  /** The retried call: its status, the delays waited, and the budget's counts. */
  status: number;
  delays: number[];
  budget: { calls: number; retries: number; refused: number };
}

/**
 * Runs `rounds` rounds against a dependency of `workers` workers that serve a call in `service` ms:
 * each round asks for as many calls as `offered`, and every admitted call takes its service time, or
 * longer when more calls than workers run at once (they queue).
 */
function load(breaker: CircuitBreaker, clock: FakeClock, rounds: number, workers: number, service: number) {
  for (let round = 0; round < rounds; round++) {
    const permits: Permit[] = [];
    for (let i = 0; i < 100; i++) {
      const permit = breaker.tryAcquire(); // refused over the limit: the caller would use a fallback
      if (permit !== undefined) permits.push(permit);
    }
    clock.advance(service * Math.max(1, permits.length / workers));
    for (const permit of permits) permit.success();
  }
}

/** The concurrency limit learns a dependency of 8 workers, fast and then slow. */
function learnTheLimit(): Pick<ConcurrencyAndRetryOutcome, 'fast' | 'lowest' | 'slow'> {
  const clock = new FakeClock();
  const breaker = new CircuitBreaker({
    name: 'inventory',
    clock,
    failureRateThreshold: 0.5,
    maxConcurrentCalls: { adaptive: true },
  });
  load(breaker, clock, 300, 8, 25);
  const fast = breaker.metrics().concurrency!;
  let lowest = fast.limit;
  const off = breaker.on('limitChange', ({ limit }) => {
    lowest = Math.min(lowest, limit);
  });
  load(breaker, clock, 300, 8, 100); // four times slower, whatever the load
  off();
  const slow = breaker.metrics().concurrency!;
  breaker.dispose();
  return {
    fast: { limit: fast.limit, noLoadMs: Math.round(fast.noLoadMs) },
    lowest,
    slow: { limit: slow.limit, noLoadMs: Math.round(slow.noLoadMs) },
  };
}

/** A service that answers 503 with `Retry-After: 1` to its first request, then 200. */
async function startService(): Promise<{ url: string; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((_request, response) => {
    if (++requests === 1) {
      response.writeHead(503, { 'Retry-After': '1' }).end('busy');
      return;
    }
    response.writeHead(200).end('stock: 12');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/stock`,
    close: async () => {
      server.close();
      await once(server, 'close');
    },
  };
}

export async function main(): Promise<ConcurrencyAndRetryOutcome> {
  const learned = learnTheLimit();

  const service = await startService();
  const budget = new RetryBudget(); // one per dependency, shared by every retry() that calls it
  const delays: number[] = [];
  try {
    const response = await retry(({ signal }) => fetch(service.url, { signal }), {
      maxAttempts: 3,
      budget,
      retryOnResult: (res) => res.status === 503, // waits what its Retry-After asks, up to maxDelay
      onRetry: (_res, _attempt, delay) => delays.push(delay),
    });
    await response.text();
    const { calls, retries, refused } = budget.metrics();
    return { ...learned, status: response.status, delays, budget: { calls, retries, refused } };
  } finally {
    await service.close();
  }
}

runIfMain(import.meta.url, main);
