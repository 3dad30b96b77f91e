/**
 * `fetch` against an HTTP API through a circuit breaker, with a timeout and a fallback.
 *
 * `ctx.signal` goes to `fetch`, so a timed-out request is really aborted (the socket is closed), not
 * left running. 5xx answers are thrown so they count as failures; the fallback serves the last good
 * value, both for failures and while the breaker is open (then the API is not called at all).
 *
 * Self-contained: it starts a small exchange-rate API with node:http on 127.0.0.1 that slows down
 * and recovers. Run: `npx tsx examples/http-client.ts`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { CircuitBreaker } from 'breakwater';
import { runIfMain } from './support/runIfMain.js';

interface Rate {
  eurUsd: number;
  source: 'api' | 'cache';
}

/** A non-2xx answer. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** A local API whose health the example switches: 'up' answers at once, 'hanging' never answers. */
async function startRatesApi() {
  const api = { mode: 'up' as 'up' | 'hanging', hits: 0, url: '', close: async () => {} };
  const server = createServer((request, response) => {
    api.hits++;
    request.resume();
    if (api.mode === 'hanging') return;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ eurUsd: 1.08 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rates/eur-usd`;
  api.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return api;
}

/** What {@link main} did, for its test. */
export interface HttpClientOutcome {
  /** Where each answer came from, in order. */
  sources: Rate['source'][];
  /** Requests that reached the API. */
  apiHits: number;
  timeouts: number;
  finalState: string;
}

/** Calls the API while it is up, hangs, and recovers; returns where each answer came from. */
export async function main(): Promise<HttpClientOutcome> {
  const api = await startRatesApi();
  let lastGood: Rate = { eurUsd: 1.1, source: 'cache' };
  const breaker = new CircuitBreaker({
    name: 'rates-api',
    failureThreshold: 3,
    resetTimeout: 300,
    timeout: 200,
    fallback: () => lastGood,
  });
  const getRate = () =>
    breaker.call(async ({ signal }): Promise<Rate> => {
      const response = await fetch(api.url, { signal });
      if (!response.ok) throw new HttpError(response.status);
      const { eurUsd } = (await response.json()) as { eurUsd: number };
      lastGood = { eurUsd, source: 'cache' };
      return { eurUsd, source: 'api' };
    });
  const sources: Rate['source'][] = [];
  const ask = async (times: number): Promise<void> => {
    for (let i = 0; i < times; i++) sources.push((await getRate()).source);
  };

  try {
    await ask(3); // up: answers from the API
    api.mode = 'hanging';
    await ask(3); // each times out after 200 ms and gets the cached rate; the third opens the breaker
    await ask(2); // open: the cached rate at once, the API is not called
    api.mode = 'up';
    // Steady traffic, as in a real client: cached answers until the open period ends, then the
    // first call is the trial; it succeeds and closes the breaker.
    while ((await getRate()).source === 'cache') {
      sources.push('cache');
      await delay(50);
    }
    sources.push('api');
    await ask(1);
    return { sources, apiHits: api.hits, timeouts: breaker.metrics().timeouts, finalState: breaker.state };
  } finally {
    breaker.dispose();
    await api.close();
  }
}

runIfMain(import.meta.url, main);
