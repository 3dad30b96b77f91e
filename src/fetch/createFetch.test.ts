import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/FakeClock.js';
import { CircuitBreakerOpenError } from '../errors/CircuitBreakerOpenError.js';
import { CircuitBreakerTimeoutError } from '../errors/CircuitBreakerTimeoutError.js';
import { CircuitBreakerRegistry } from '../registry/CircuitBreakerRegistry.js';
import { defaultRegistry } from '../registry/defaultRegistry.js';
import { createFetch } from './index.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP service on 127.0.0.1 whose behaviour each test sets, counting the requests it receives. */
class FlakyService {
  readonly server: Server;
  handler: Handler = (_req, res) => res.end('ok');
  requests = 0;
  origin = '';

  constructor() {
    this.server = createServer((req, res) => {
      this.requests++;
      // No keep-alive: tests cut connections between them, and a reused dead socket would be a failure.
      res.setHeader('connection', 'close');
      this.handler(req, res);
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  respond(status: number, headers: Record<string, string> = {}): void {
    this.handler = (_req, res) => {
      res.writeHead(status, headers);
      res.end(String(status));
    };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const service = new FlakyService();
let clock: FakeClock;
let registry: CircuitBreakerRegistry;

beforeAll(() => service.start());
afterAll(() => service.stop());
beforeEach(() => {
  clock = new FakeClock({ wallNow: 1_700_000_000_000 });
  registry = new CircuitBreakerRegistry({ clock });
  service.handler = (_req, res) => res.end('ok');
  service.requests = 0;
});
afterEach(() => {
  service.server.closeAllConnections();
});

describe('createFetch', () => {
  it('passes requests and responses through, with one breaker per origin', async () => {
    const fetch = createFetch({ registry });
    const response = await fetch(`${service.origin}/hello`, { headers: { 'x-test': '1' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    const breaker = registry.get(`fetch:${service.origin}`);
    expect(breaker?.metrics().successfulCalls).toBe(1);
    expect(fetch.breakers).toBe(registry.group('fetch'));
    expect(registry.statuses().map((s) => s.name)).toEqual([`fetch:${service.origin}`]);
  });

  it('counts 5xx as failures (the caller still gets the response) and, once open, sends nothing', async () => {
    const fetch = createFetch({ registry, failureThreshold: 3 });
    service.respond(500);
    for (let i = 0; i < 3; i++) expect((await fetch(`${service.origin}/x`)).status).toBe(500);
    const breaker = fetch.breakers.get(service.origin);
    expect(breaker.state).toBe('open');
    expect(breaker.metrics().failedCalls).toBe(3);
    const error = await fetch(`${service.origin}/x`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitBreakerOpenError);
    expect(service.requests).toBe(3);
  });

  it('does not count 4xx', async () => {
    const fetch = createFetch({ registry, failureThreshold: 2 });
    service.respond(404);
    for (let i = 0; i < 5; i++) expect((await fetch(`${service.origin}/missing`)).status).toBe(404);
    const breaker = fetch.breakers.get(service.origin);
    expect(breaker.state).toBe('closed');
    expect(breaker.metrics()).toMatchObject({ successfulCalls: 5, failedCalls: 0 });
  });

  it('counts network errors, and keeps hosts apart', async () => {
    const gone = new FlakyService();
    await gone.start();
    await gone.stop(); // nothing listens there now: connection refused
    const fetch = createFetch({ registry, failureThreshold: 2 });
    for (let i = 0; i < 2; i++) await expect(fetch(`${gone.origin}/`)).rejects.toThrow(TypeError);
    expect(fetch.breakers.get(gone.origin).state).toBe('open');
    await expect(fetch(`${gone.origin}/`)).rejects.toBeInstanceOf(CircuitBreakerOpenError);
    expect((await fetch(`${service.origin}/`)).status).toBe(200);
  });

  it('counts timeouts, aborting the request', async () => {
    let aborted = false;
    service.handler = (req) => {
      req.on('close', () => {
        aborted = true;
      });
    };
    const fetch = createFetch({ registry, timeout: 1000, failureThreshold: 1 });
    const pending = fetch(`${service.origin}/slow`);
    await new Promise<void>((resolve) => service.server.once('request', () => resolve()));
    clock.advance(1000);
    await expect(pending).rejects.toBeInstanceOf(CircuitBreakerTimeoutError);
    expect(fetch.breakers.get(service.origin).state).toBe('open');
    await new Promise<void>((resolve) => setImmediate(resolve));
    await expect.poll(() => aborted).toBe(true);
  });

  it('503 with Retry-After in seconds opens the host for that long, then recovers through a trial', async () => {
    const fetch = createFetch({ registry });
    service.respond(503, { 'Retry-After': '120' });
    expect((await fetch(`${service.origin}/`)).status).toBe(503);
    const breaker = fetch.breakers.get(service.origin);
    expect(breaker.state).toBe('open');
    const refused = (await fetch(`${service.origin}/`).catch((e: unknown) => e)) as CircuitBreakerOpenError;
    expect(refused).toBeInstanceOf(CircuitBreakerOpenError);
    expect(refused.retryAfter).toBe(120_000);
    expect(service.requests).toBe(1);
    clock.advance(119_999);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.state).toBe('half_open');
    service.respond(200);
    expect((await fetch(`${service.origin}/`)).status).toBe(200);
    expect(breaker.state).toBe('closed');
  });

  it('429 with Retry-After as an HTTP date opens until then; 429 alone is not a failure', async () => {
    const fetch = createFetch({ registry, failureThreshold: 1 });
    service.respond(429);
    expect((await fetch(`${service.origin}/`)).status).toBe(429);
    const breaker = fetch.breakers.get(service.origin);
    expect(breaker.state).toBe('closed');
    service.respond(429, { 'Retry-After': new Date(clock.wallNow() + 30_000).toUTCString() });
    await fetch(`${service.origin}/`);
    expect(breaker.state).toBe('open');
    clock.advance(29_999);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.state).toBe('half_open');
  });

  it('ignores a Retry-After in the past or unreadable, caps a long one, and never overrides a forced state', async () => {
    const fetch = createFetch({ registry, maxRetryAfter: 60_000, failureThreshold: 10 });
    const breaker = fetch.breakers.get(service.origin);
    service.respond(503, { 'Retry-After': new Date(clock.wallNow() - 5000).toUTCString() });
    await fetch(`${service.origin}/`);
    service.respond(503, { 'Retry-After': 'soon' });
    await fetch(`${service.origin}/`);
    expect(breaker.state).toBe('closed');
    service.respond(503, { 'Retry-After': '86400' });
    await fetch(`${service.origin}/`);
    expect(breaker.state).toBe('open');
    clock.advance(60_000);
    expect(breaker.state).toBe('half_open');
    breaker.forceClose();
    await fetch(`${service.origin}/`);
    expect(breaker.state).toBe('forced_closed');
  });

  it('serves the fallback while open, without sending', async () => {
    const fetch = createFetch({
      registry,
      failureThreshold: 1,
      fallback: () => new Response('cached', { status: 200 }),
    });
    service.respond(502);
    expect((await fetch(`${service.origin}/`)).status).toBe(502); // a 5xx is returned, not replaced
    const response = await fetch(`${service.origin}/`);
    expect(await response.text()).toBe('cached');
    expect(service.requests).toBe(1);
  });

  it('a caller abort rejects with its reason and is not a failure', async () => {
    service.handler = () => {};
    const fetch = createFetch({ registry, failureThreshold: 1 });
    const controller = new AbortController();
    const pending = fetch(`${service.origin}/`, { signal: controller.signal });
    await new Promise<void>((resolve) => service.server.once('request', () => resolve()));
    controller.abort(new Error('user left'));
    await expect(pending).rejects.toThrow('user left');
    const breaker = fetch.breakers.get(service.origin);
    expect(breaker.state).toBe('closed');
    expect(breaker.metrics().ignoredCalls).toBe(1);
  });

  it('takes a Request or a URL, and a key of host or a function', async () => {
    const byHost = createFetch({ registry, name: 'by-host', key: 'host' });
    await byHost(new Request(`${service.origin}/a`, { method: 'POST', body: 'x' }));
    await byHost(new URL(`${service.origin}/b`));
    expect([...byHost.breakers.keys()]).toEqual([new URL(service.origin).host]);
    expect(byHost.breakers.get(new URL(service.origin).host).metrics().successfulCalls).toBe(2);

    const byPath = createFetch({ registry, name: 'by-path', key: (url) => url.pathname });
    await byPath(`${service.origin}/one`);
    await byPath(`${service.origin}/two`);
    expect([...byPath.breakers.keys()]).toEqual(['/one', '/two']);
  });

  it('an isResultFailure of its own replaces the 5xx rule', async () => {
    const fetch = createFetch({ registry, failureThreshold: 1, isResultFailure: () => false });
    service.respond(500);
    await fetch(`${service.origin}/`);
    expect(fetch.breakers.get(service.origin).state).toBe('closed');
  });

  it('uses defaultRegistry and a group named fetch by default; the same name shares the group', () => {
    const a = createFetch();
    const b = createFetch();
    expect(a.breakers).toBe(defaultRegistry.group('fetch'));
    expect(b.breakers).toBe(a.breakers);
    defaultRegistry.remove('fetch');
  });

  it('rejects, without counting, a URL it cannot parse', async () => {
    const fetch = createFetch({ registry });
    await expect(fetch('/relative')).rejects.toThrow(TypeError);
    expect(fetch.breakers.size).toBe(0);
  });

  it('validates its options with clear errors', () => {
    expect(() => createFetch({ registry: {} as never })).toThrow(
      new TypeError('Expected `registry` to be a CircuitBreakerRegistry, got `{}`'),
    );
    expect(() => createFetch({ registry, fetch: 'x' as never })).toThrow(
      new TypeError('Expected `fetch` to be a fetch function, got `"x"`'),
    );
    expect(() => createFetch({ registry, key: 'path' as never })).toThrow(
      new TypeError('Expected `key` to be "origin", "host" or a function (url) => string, got `"path"`'),
    );
    expect(() => createFetch({ registry, maxRetryAfter: 0 })).toThrow(
      new RangeError('Expected `maxRetryAfter` to be a duration in ms > 0, got `0`'),
    );
    expect(() => createFetch({ registry, name: 'bad', failureThreshold: 0 })).toThrow(/`failureThreshold`/);
  });
});

describe('createFetch on one registry twice', () => {
  it('two protected fetches with different options never share breakers silently', () => {
    const own = new CircuitBreakerRegistry();
    createFetch({ registry: own, timeout: 30_000 });
    expect(() => createFetch({ registry: own, timeout: 50 })).toThrow(
      new TypeError(
        "createFetch: a protected fetch named 'fetch' already exists in this registry with other options " +
          "(`timeout` differs). Give this one its own `name` option (createFetch({ name: 'fetch-2', ... }): " +
          'each name keeps its own breakers), or pass the same options to share its breakers',
      ),
    );
    expect(createFetch({ registry: own, name: 'fast', timeout: 50 }).breakers.name).toBe('fast');
    expect(createFetch({ registry: own, timeout: 30_000 }).breakers).toBe(own.group('fetch'));
  });

  it('a name used by a breaker, not a fetch, keeps the registry’s own error', () => {
    const own = new CircuitBreakerRegistry();
    own.register('fetch', {});
    expect(() => createFetch({ registry: own })).toThrow(/'fetch'/);
    expect(() => createFetch({ registry: own })).not.toThrow(/createFetch: a protected fetch/);
  });
});
