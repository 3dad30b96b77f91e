import { createHash } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import { CircuitBreakerRegistry, FakeClock } from 'breakwater';
import { type AdminHandlerOptions, createAdminHandler } from 'breakwater/http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listen, stop } from '../support/listen.js';

const TOKEN = 'test-token-4f9a2c';
const auth = { authorization: `Bearer ${TOKEN}` };
const stops: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of stops.splice(0)) await close();
});

/** A registry on a FakeClock (open periods and retry times are exact) served by a real server. */
async function serve(options: AdminHandlerOptions = { token: TOKEN }, registry = newRegistry()) {
  const handler = createAdminHandler(registry, options);
  const server = createServer(handler);
  const url = await listen(server);
  stops.push(async () => {
    handler.close();
    await stop(server);
  });
  return { url, registry, handler };
}

function newRegistry(clock = new FakeClock({ wallNow: 1_800_000_000_000 })): CircuitBreakerRegistry {
  return new CircuitBreakerRegistry({ clock });
}

async function fail(breaker: { call(fn: () => unknown): Promise<unknown> }, times: number, message = 'boom') {
  for (let i = 0; i < times; i++)
    await breaker.call(() => Promise.reject(new Error(message))).catch(() => {});
}

/** A raw request, so that the path reaches the server exactly as written (fetch normalises `..`). */
function raw(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  chunks: string[] = [],
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = httpRequest({ hostname, port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('GET /health', () => {
  it('is 200 while healthy or degraded, 503 only while a critical breaker is open; the body is registry.health()', async () => {
    const { url, registry } = await serve();
    const db = registry.register('database', { critical: true, failureThreshold: 2, resetTimeout: 10_000 });
    const search = registry.register('search', { failureThreshold: 1 });
    const health = () => fetch(`${url}/health`);

    let res = await health();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(registry.health())));

    await fail(search, 1); // a non-critical breaker open: degraded, still in rotation
    res = await health();
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('degraded');

    await fail(db, 2);
    res = await health();
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      status: 'unhealthy',
      breakers: { database: { state: 'open' } },
    });

    // Half-open is degraded, not unhealthy: a 503 would drain the instance and starve the trial.
    (registry.defaults.clock as FakeClock).advance(10_000);
    expect(db.state).toBe('half_open');
    expect((await health()).status).toBe(200);

    const head = await fetch(`${url}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

describe('GET /breakers and /breakers/:name', () => {
  it('lists breakers by name and each keyed group as one entry, whatever its size', async () => {
    const { url, registry } = await serve();
    registry.register('payments', { critical: true });
    const tenants = registry.keyed('tenants', { failureThreshold: 1 });
    for (let i = 0; i < 50; i++) tenants.get(`t${i}`);
    await fail(tenants.get('t7'), 1);

    const body = await (await fetch(`${url}/breakers`)).json();
    expect(body.breakers.map((b: { name: string }) => b.name)).toEqual(['payments']);
    expect(body.breakers[0]).toMatchObject({
      kind: 'breaker',
      state: 'closed',
      critical: true,
      isAvailable: true,
    });
    expect(body.groups).toHaveLength(1);
    expect(body.groups[0]).toMatchObject({
      kind: 'group',
      name: 'tenants',
      state: 'open',
      keys: 50,
      states: { closed: 49, open: 1 },
      notClosed: ['tenants:t7'],
      totals: { failedCalls: 1 },
    });
  });

  it('finds a breaker, a keyed breaker by <group>:<key>, and a group; an unknown name is a JSON 404', async () => {
    const { url, registry } = await serve();
    registry.register('a/b'); // a "/" in a name travels as %2F
    registry.keyed('hosts').get('https://api.example.com');

    const slash = await fetch(`${url}/breakers/${encodeURIComponent('a/b')}`);
    expect(await slash.json()).toMatchObject({ kind: 'breaker', name: 'a/b' });
    const member = await fetch(`${url}/breakers/${encodeURIComponent('hosts:https://api.example.com')}`);
    expect(await member.json()).toMatchObject({
      kind: 'breaker',
      name: 'hosts:https://api.example.com',
      group: 'hosts',
    });
    expect(await (await fetch(`${url}/breakers/hosts`)).json()).toMatchObject({ kind: 'group', keys: 1 });

    const missing = await fetch(`${url}/breakers/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await missing.json()).toEqual({
      error: 'not_found',
      message: 'No breaker or keyed group named "nope"',
    });
  });

  it('decodes a name once and never reads it as a path: `..` is a name, a bad escape a 400', async () => {
    const { url, registry } = await serve();
    registry.register('%41'); // the literal name "%41", sent as %2541
    expect((await raw(url, 'GET', '/breakers/%2541')).status).toBe(200);
    expect((await raw(url, 'GET', '/breakers/%41')).status).toBe(404); // "A": decoded once, not twice
    expect((await raw(url, 'GET', '/breakers/../health')).status).toBe(404);
    const dots = await raw(url, 'GET', '/breakers/..%2Fhealth');
    expect(dots.status).toBe(404);
    expect(JSON.parse(dots.body).message).toContain('"../health"');
    const bad = await raw(url, 'GET', '/breakers/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ error: 'bad_request' });
  });

  it('shows lastError only to a request carrying the token: a message may hold a connection string', async () => {
    const { url, registry } = await serve();
    const db = registry.register('db', { failureThreshold: 10 });
    await fail(db, 1, 'connect ECONNREFUSED postgres://app:s3cret@10.0.0.5/orders');

    for (const path of ['/breakers', '/breakers/db']) {
      const anonymous = await (await fetch(`${url}${path}`)).text();
      expect(anonymous).not.toContain('s3cret');
      expect(anonymous).not.toContain('lastError');
      // A wrong token on a read is no error (a proxy may add its own Authorization), and no secret.
      const wrong = await fetch(`${url}${path}`, { headers: { authorization: 'Bearer wrong' } });
      expect(wrong.status).toBe(200);
      expect(await wrong.text()).not.toContain('s3cret');
      expect(await (await fetch(`${url}${path}`, { headers: auth })).text()).toMatch(
        /"lastError":"(?:Error: )?connect ECONNREFUSED postgres:\/\/app:s3cret@10\.0\.0\.5\/orders"/,
      );
    }
  });

  it('serves a hostile name as JSON data, with nosniff', async () => {
    const { url, registry } = await serve();
    const hostile = '<img src=x onerror=alert(1)>';
    registry.keyed('tenants').get(hostile);
    const res = await fetch(`${url}/breakers/${encodeURIComponent(`tenants:${hostile}`)}`);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await res.json()).name).toBe(`tenants:${hostile}`);
  });
});

describe('POST /breakers/:name/{open,force-open,force-close,reset}', () => {
  it('is off (403) without a configured token, whatever the request carries', async () => {
    const { url, registry } = await serve({});
    const payments = registry.register('payments');
    for (const headers of [{}, auth, { authorization: 'Bearer anything' }]) {
      const res = await fetch(`${url}/breakers/payments/force-open`, { method: 'POST', headers });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: 'forbidden' });
    }
    expect(payments.state).toBe('closed');
  });

  it('needs Authorization: Bearer <token>: missing, wrong or another scheme is a 401', async () => {
    const { url, registry } = await serve();
    const payments = registry.register('payments');
    const attempts: Array<[Record<string, string>, RegExp]> = [
      [{}, /^Bearer realm="breakwater"$/],
      [{ authorization: 'Bearer wrong-token' }, /invalid_token/],
      [{ authorization: `Bearer ${TOKEN}x` }, /invalid_token/], // a longer one, same prefix
      [{ authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` }, /invalid_token/],
      [{ authorization: TOKEN }, /invalid_token/],
    ];
    for (const [headers, challenge] of attempts) {
      const res = await fetch(`${url}/breakers/payments/force-open`, { method: 'POST', headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(challenge);
      expect(await res.json()).toMatchObject({ error: 'unauthorized' });
    }
    expect(payments.state).toBe('closed');
    const res = await fetch(`${url}/breakers/payments/force-open`, { method: 'POST', headers: auth });
    expect(res.status).toBe(200);
    expect(payments.state).toBe('forced_open');
  });

  it('applies each command; open takes ?for= or {"durationMs"}, or uses the breaker’s own period', async () => {
    const clock = new FakeClock({ wallNow: 1_800_000_000_000 });
    const { url, registry } = await serve({ token: TOKEN }, newRegistry(clock));
    const api = registry.register('api', { resetTimeout: 30_000 });
    const post = (path: string, body?: string) =>
      fetch(`${url}/breakers/api/${path}`, {
        method: 'POST',
        headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body }),
      });

    let res = await post('open?for=5m');
    expect(await res.json()).toMatchObject({
      name: 'api',
      command: 'open',
      durationMs: 300_000,
      breaker: { state: 'open', metrics: { retryAt: clock.wallNow() + 300_000 } },
    });
    await post('reset');
    expect(api.state).toBe('closed');

    res = await post('open', JSON.stringify({ durationMs: 1500 }));
    expect(res.status).toBe(200);
    expect(api.metrics().retryAt).toBe(clock.wallNow() + 1500);
    clock.advance(1500);
    expect(api.state).toBe('half_open');

    await post('reset');
    await post('open');
    expect(api.metrics().retryAt).toBe(clock.wallNow() + 30_000);

    expect((await post('force-close')).status).toBe(200);
    expect(api.state).toBe('forced_closed');
    expect((await post('force-open')).status).toBe(200);
    expect(api.state).toBe('forced_open');
    expect(await (await post('reset')).json()).toMatchObject({ breaker: { state: 'closed' } });
  });

  it('answers bad durations and bodies with a 400 naming the field and the value', async () => {
    const { url, registry } = await serve();
    const api = registry.register('api');
    const post = (path: string, body?: string) =>
      fetch(`${url}/breakers/api/${path}`, { method: 'POST', headers: auth, ...(body ? { body } : {}) });
    const cases: Array<[string, string | undefined, string]> = [
      ['open?for=soon', undefined, 'Expected `for` to be a duration such as 500ms, 30s, 5m or 1h'],
      ['open?for=0', undefined, 'got `"0"`'],
      [
        'open',
        '{"durationMs":-1}',
        'Expected `durationMs` to be a duration in ms > 0 and at most 2147483647, got `-1`',
      ],
      ['open', '{"durationMs":"5s"}', 'got `"5s"`'],
      ['open?for=5s', '{"durationMs":5000}', 'either ?for= or'],
      ['open', '{"duration":5000}', 'Unknown field `duration`'],
      ['open', 'not json', 'Expected the body to be JSON'],
      ['open', '[5000]', 'a JSON object'],
      ['reset?for=5s', undefined, 'Only `open` takes a duration'],
    ];
    for (const [path, body, message] of cases) {
      const res = await post(path, body);
      expect(res.status, path).toBe(400);
      const answer = await res.json();
      expect(answer.error).toBe('bad_request');
      expect(answer.message).toContain(message);
    }
    expect(api.state).toBe('closed');
  });

  it('resets a keyed group as a whole, refuses to open or force one, and 404s an unknown name', async () => {
    const { url, registry } = await serve();
    const tenants = registry.keyed('tenants', { failureThreshold: 1 });
    await fail(tenants.get('a'), 1);
    await fail(tenants.get('b'), 1);
    const forced = await fetch(`${url}/breakers/tenants/force-open`, { method: 'POST', headers: auth });
    expect(forced.status).toBe(400);
    expect((await forced.json()).message).toContain("'tenants:<key>'");
    const reset = await fetch(`${url}/breakers/tenants/reset`, { method: 'POST', headers: auth });
    expect(await reset.json()).toMatchObject({ breaker: { kind: 'group', states: { closed: 2, open: 0 } } });
    await fail(tenants.get('a'), 1);
    await fetch(`${url}/breakers/${encodeURIComponent('tenants:a')}/reset`, {
      method: 'POST',
      headers: auth,
    });
    expect(tenants.get('a').state).toBe('closed');

    const unknown = await fetch(`${url}/breakers/ghost/reset`, { method: 'POST', headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });
  });

  it('limits bodies (413), told by Content-Length or counted while streaming', async () => {
    const { url, registry } = await serve({ token: TOKEN, maxBodyBytes: 64 });
    registry.register('api');
    const big = JSON.stringify({ durationMs: 1000, padding: 'x'.repeat(200) });
    const declared = await raw(
      url,
      'POST',
      '/breakers/api/open',
      { ...auth, 'content-length': String(big.length) },
      [big],
    );
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ error: 'payload_too_large' });
    const chunked = await raw(
      url,
      'POST',
      '/breakers/api/open',
      { ...auth, 'transfer-encoding': 'chunked' },
      [big.slice(0, 50), big.slice(50)],
    );
    expect(chunked.status).toBe(413);
    const small = await raw(url, 'POST', '/breakers/api/open', { ...auth, 'transfer-encoding': 'chunked' }, [
      '{"duration',
      'Ms":900}',
    ]);
    expect(small.status).toBe(200);
  });
});

describe('routing, methods and failures', () => {
  it('answers a wrong method with 405 and Allow, an unknown path with a JSON 404', async () => {
    const { url, registry } = await serve();
    registry.register('api');
    const cases: Array<[string, string, string]> = [
      ['DELETE', '/health', 'GET, HEAD'],
      ['POST', '/breakers', 'GET, HEAD'],
      ['PUT', '/breakers/api', 'GET, HEAD'],
      ['GET', '/breakers/api/reset', 'POST'],
      ['POST', '/events', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await raw(url, method, path);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.allow).toBe(allow);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'method_not_allowed' });
    }
    for (const path of ['/nope', '/breakers/api/explode', '/breakers/', '/health/x', '//health']) {
      const res = await raw(url, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'not_found' });
    }
  });

  it('serves under a basePath, and hands requests outside it to next()', async () => {
    const registry = newRegistry();
    registry.register('api');
    const handler = createAdminHandler(registry, { basePath: '/ops/breakwater/' });
    const next = vi.fn();
    const server = createServer((req, res) => {
      handler(req, res, () => {
        next(req.url);
        res.end('app');
      });
    });
    const url = await listen(server);
    stops.push(() => stop(server));
    expect((await fetch(`${url}/ops/breakwater/health`)).status).toBe(200);
    expect(await (await fetch(`${url}/ops/breakwater/breakers/api`)).json()).toMatchObject({ name: 'api' });
    expect(await (await fetch(`${url}/ops/breakwater`)).text()).toContain('<!doctype html>');
    expect(await (await fetch(`${url}/health`)).text()).toBe('app');
    expect(await (await fetch(`${url}/ops/breakwaterx/health`)).text()).toBe('app');
    expect(next.mock.calls).toEqual([['/health'], ['/ops/breakwaterx/health']]);
  });

  it('answers a failing source with a JSON 500 without details, logs it, and keeps serving', async () => {
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const registry = newRegistry();
    const { url } = await serve({ token: TOKEN, logger }, registry);
    registry.register('api');
    const health = vi.spyOn(registry, 'health').mockImplementation(() => {
      throw new Error('redis://admin:hunter2@cache:6379 refused');
    });
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect(text).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    expect(JSON.parse(text)).toEqual({
      error: 'internal_error',
      message: 'The admin handler failed; the details are in the server log',
    });
    expect(logger.error).toHaveBeenCalledWith(
      { err: expect.objectContaining({ message: expect.stringContaining('hunter2') }) },
      'breakwater/http: a request failed',
    );
    health.mockRestore();
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });
});

describe('the page', () => {
  it('is self-contained, with a strict CSP whose hashes match its only script and style', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(csp).toContain(`script-src ${hash(scripts[0]!)}`);
    expect(csp).toContain(`style-src ${hash(styles[0]!)}`);
    // Nothing from elsewhere: no external script, style, font or image.
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    expect(html).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('escapes its config so that a title cannot close the data block', async () => {
    const { url } = await serve({ title: '</script><script>alert(1)</script>' });
    const html = await (await fetch(`${url}/`)).text();
    expect(html.match(/<script/g)).toHaveLength(2); // the data block and the page's script
    expect(html).toContain('\\u003c/script>\\u003cscript>alert(1)\\u003c/script>');
  });
});

describe('createAdminHandler() options', () => {
  it('rejects bad options with errors naming the option, the value and what is expected', () => {
    const registry = newRegistry();
    expect(() => createAdminHandler(registry, { maxClients: -1 })).toThrow(
      new RangeError('Expected `maxClients` to be an integer >= 0, got `-1`'),
    );
    expect(() => createAdminHandler(registry, { tickInterval: 0 })).toThrow(RangeError);
    expect(() => createAdminHandler(registry, { token: '' })).toThrow(
      /Expected `token` to be a non-empty string/,
    );
    expect(() => createAdminHandler(registry, { token: 'has space' })).toThrow(TypeError);
    expect(() => createAdminHandler(registry, { basePath: 'admin' })).toThrow(
      /Expected `basePath` to be a path/,
    );
    expect(() => createAdminHandler(registry, { tokn: 'x' } as AdminHandlerOptions)).toThrow(
      /Unknown option `tokn` for createAdminHandler; the options are token, basePath/,
    );
    expect(() => createAdminHandler({} as CircuitBreakerRegistry)).toThrow(
      new TypeError('Expected `registry` to be a CircuitBreakerRegistry, got `{}`'),
    );
  });
});
