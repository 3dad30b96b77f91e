/**
 * A Prometheus `/metrics` endpoint for a service's breakers, with `node:http` and prom-client.
 *
 * `registerMetrics` adds the breakers' metrics to a prom-client registry; they are read from the
 * breakers when Prometheus scrapes, so a breaker created later (here, one per upstream host) shows
 * up by itself and nothing is added to the calls. A keyed group is one entry whatever its number of
 * hosts.
 *
 * Self-contained: it sends some traffic (one dependency fails and its breaker opens), then scrapes
 * its own endpoint. Run: `npx tsx examples/prometheus.ts`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CircuitBreakerRegistry } from 'breakwater';
import { registerMetrics } from 'breakwater/prometheus';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { runIfMain } from './support/runIfMain.js';

/** What {@link main} saw, for its test. */
export interface PrometheusOutcome {
  /** The `Content-Type` of the `/metrics` answer. */
  contentType: string;
  /** The scraped text. */
  text: string;
}

/** Serves `register` on `GET /metrics` (127.0.0.1, a free port). */
async function serveMetrics(register: Registry): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    register.metrics().then(
      (text) => response.writeHead(200, { 'content-type': register.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, server };
}

/** Sends traffic through two breakers and a keyed group, then scrapes `/metrics`. */
export async function main(): Promise<PrometheusOutcome> {
  const breakers = new CircuitBreakerRegistry({ defaults: { resetTimeout: 30_000 } });
  const register = new Registry();
  collectDefaultMetrics({ register }); // the process metrics, beside the breakers'
  const metrics = registerMetrics(breakers, { register });
  const { url, server } = await serveMetrics(register);

  const payments = breakers.register('payments-api', { failureThreshold: 3 });
  const inventory = breakers.register('inventory-db');
  const upstream = breakers.keyed('upstream', { failureThreshold: 2 }); // one breaker per host
  const down = () => Promise.reject(new Error('ECONNREFUSED'));
  try {
    for (let i = 0; i < 20; i++) await inventory.call(async () => ({ sku: i, stock: 3 }));
    for (let i = 0; i < 5; i++) await payments.call(down).catch(() => {}); // opens after 3; 2 refused
    for (const host of ['eu.example.com', 'us.example.com', 'ap.example.com']) {
      await upstream.get(host).call(async () => 'ok');
    }
    for (let i = 0; i < 2; i++)
      await upstream
        .get('ap.example.com')
        .call(down)
        .catch(() => {});

    const response = await fetch(url);
    return { contentType: response.headers.get('content-type') ?? '', text: await response.text() };
  } finally {
    metrics.unregister();
    breakers.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

runIfMain(import.meta.url, async () => (await main()).text);
