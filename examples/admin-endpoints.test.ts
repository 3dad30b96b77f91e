import { CircuitBreakerRegistry } from 'breakwater';
import { afterEach, describe, expect, it } from 'vitest';
import { type Running, withExpress, withFastify, withNodeHttp } from './admin-endpoints.js';

const TOKEN = 'example-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
let running: Running | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** Reads an event stream until `pattern` appears in it. */
async function readUntil(url: string, pattern: RegExp): Promise<string> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  try {
    while (!pattern.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before ${pattern}:\n${text}`);
      text += value;
    }
    return text;
  } finally {
    abort.abort();
  }
}

describe.each([
  ['node:http', withNodeHttp],
  ['Express 5', withExpress],
  ['Fastify 5', withFastify],
])('examples/admin-endpoints.ts under %s', (_framework, serve) => {
  it('serves health, a breaker, the page and the event stream, and controls with the token only', async () => {
    const registry = new CircuitBreakerRegistry();
    const payments = registry.register('payments', { critical: true });
    running = await serve(registry, TOKEN);
    const admin = `${running.url}/admin`;

    // The application still answers outside the mount path.
    expect(await (await fetch(`${running.url}/`)).text()).toContain('the application');

    const health = await fetch(`${admin}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'healthy',
      breakers: { payments: { state: 'closed' } },
    });

    const one = await fetch(`${admin}/breakers/payments`);
    expect(await one.json()).toMatchObject({
      kind: 'breaker',
      name: 'payments',
      state: 'closed',
      critical: true,
    });

    // Control: refused without the token or with a wrong one, done with it (the JSON body read
    // through the framework: Express has parsed it, Fastify and node:http leave the stream).
    const denied = await fetch(`${admin}/breakers/payments/force-open`, { method: 'POST' });
    expect(denied.status).toBe(401);
    const wrong = await fetch(`${admin}/breakers/payments/reset`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    expect(payments.state).toBe('closed');
    const opened = await fetch(`${admin}/breakers/payments/open`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ durationMs: 120_000 }),
    });
    expect(opened.status).toBe(200);
    expect(await opened.json()).toMatchObject({
      command: 'open',
      durationMs: 120_000,
      breaker: { state: 'open' },
    });
    expect(payments.state).toBe('open');
    expect(payments.metrics().retryAt! - Date.now()).toBeGreaterThan(100_000);

    // A critical breaker open: the instance is unhealthy.
    expect((await fetch(`${admin}/health`)).status).toBe(503);

    // The page, and the stream it reads (relative to the page, so under the mount path).
    const page = await fetch(`${admin}/`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'sha256-");
    expect(await page.text()).toContain('id="cards"');
    const stream = await readUntil(`${admin}/events`, /event: tick\ndata: .*"payments"/);
    expect(stream).toMatch(/"state":"open"/);

    const reset = await fetch(`${admin}/breakers/payments/reset`, { method: 'POST', headers: auth });
    expect(reset.status).toBe(200);
    expect(payments.state).toBe('closed');
  });
});
