import { createServer, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock/FakeClock.js';
import { type AdminHandlerOptions, createAdminHandler } from '../../src/http/index.js';
import { CircuitBreakerRegistry } from '../../src/registry/CircuitBreakerRegistry.js';
import { settleEventLoop, watchProcessFaults } from '../support/hostile.js';
import { listen, stop, until } from '../support/listen.js';
import { collect } from './soak/soak.js';

// Hostile HTTP against createAdminHandler (DESIGN section 11): bodies (huge, slow, malformed, wrong
// content types), methods, paths (traversal, bad encodings, very long, unicode), tokens (missing,
// wrong, near misses, huge) and 500 event-stream clients at once. Each is answered correctly (or
// refused by Node before the handler), the handler keeps its bounds, and the process stays healthy:
// no unhandled rejection, no uncaught exception, /health still answers.

const TOKEN = 'reliability-token-7c1e9a';
const AUTH = { authorization: `Bearer ${TOKEN}` };

let faults: ReturnType<typeof watchProcessFaults> | undefined;
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of stops.splice(0)) await close();
  faults?.stop();
});

async function serve(options: AdminHandlerOptions = {}, registry = newRegistry()) {
  const handler = createAdminHandler(registry, { token: TOKEN, ...options });
  const server = createServer(handler);
  const url = await listen(server);
  stops.push(async () => {
    handler.close();
    await stop(server);
  });
  const { port } = new URL(url);
  return { url, port: Number(port), registry, handler, server };
}

function newRegistry(): CircuitBreakerRegistry {
  const registry = new CircuitBreakerRegistry({ clock: new FakeClock() });
  registry.register('db');
  registry.register('café ☕');
  registry.register('a/b');
  return registry;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request sent as written (fetch would normalise paths and refuse odd methods). */
function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  chunks: (string | Buffer)[] = [],
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = httpRequest({ hostname, port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/** Bytes written on a raw socket; resolves with what the server answered before closing (or `timeout`). */
function rawExchange(port: number, bytes: string | Buffer, timeout = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(answer);
    }, timeout);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') resolve(answer);
      else reject(error);
    });
    socket.write(bytes);
  });
}

async function healthy(url: string): Promise<void> {
  const answer = await send(url, 'GET', '/health');
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.body).status).toBe('healthy');
}

describe('hostile HTTP against the admin handler', () => {
  it('bodies: huge, chunked past the limit, slow, malformed JSON, wrong content types', async () => {
    faults = watchProcessFaults();
    const { url, port, registry } = await serve({ maxBodyBytes: 1024 });
    const open = '/breakers/db/open';
    // Declared too large: refused before reading.
    const declared = await send(url, 'POST', open, { ...AUTH, 'content-length': String(10 * 1024 * 1024) });
    expect(declared.status).toBe(413);
    // Chunked, growing past the limit: refused once it does.
    const big = await send(url, 'POST', open, { ...AUTH, 'content-type': 'application/json' }, [
      '{"durationMs":',
      ' '.repeat(4000),
      '5}',
    ]);
    expect(big.status).toBe(413);
    // Malformed JSON, other types, binary garbage: 400, with a message.
    for (const [type, body] of [
      ['application/json', '{"durationMs":'],
      ['application/json', '{"durationMs":"soon"}'],
      ['text/plain', 'open please'],
      ['application/x-www-form-urlencoded', 'durationMs=5000'],
      ['application/octet-stream', Buffer.from([0xff, 0xfe, 0x00, 0x01])],
      ['application/json', '[1,2,3]'],
      ['application/json', '{"durationMs":-5}'],
      ['application/json', '{"durationMs":1e400}'],
      ['application/json', '{"__proto__":{"durationMs":5}}'],
    ] as const) {
      const answer = await send(url, 'POST', open, { ...AUTH, 'content-type': type }, [body]);
      expect(answer.status, `${type} ${String(body)}`).toBe(400);
      expect(JSON.parse(answer.body).error).toBe('bad_request');
    }
    expect(registry.get('db')?.state).toBe('closed'); // none of them opened it
    // Slow: a valid body trickled in over a second is served.
    const slow = await new Promise<Answer>((resolve, reject) => {
      const body = '{"durationMs":5000}';
      const req = httpRequest(
        {
          hostname: '127.0.0.1',
          port,
          method: 'POST',
          path: open,
          headers: { ...AUTH, 'content-type': 'application/json', 'content-length': String(body.length) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
        },
      );
      req.on('error', reject);
      let i = 0;
      const drip = setInterval(() => {
        req.write(body[i++]!);
        if (i === body.length) {
          clearInterval(drip);
          req.end();
        }
      }, 50);
    });
    expect(slow.status).toBe(200);
    expect(registry.get('db')?.state).toBe('open');
    // A body that never ends, from a client that goes away: nothing escapes.
    const abandoned = connect(port, '127.0.0.1');
    abandoned.write(
      `POST ${open} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 100\r\n\r\n{"dur`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    abandoned.destroy();
    const health = await send(url, 'GET', '/health');
    expect(health.status).toBe(200);
    await settleEventLoop();
    expect(faults.unhandled).toEqual([]);
    expect(faults.uncaught).toEqual([]);
  });

  it('methods: every odd method gets 405 with Allow, or 404 off the routes', async () => {
    faults = watchProcessFaults();
    const { url, port } = await serve();
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'PURGE']) {
      for (const path of ['/health', '/breakers', '/breakers/db', '/events', '/']) {
        const answer = await send(url, method, path);
        expect(answer.status, `${method} ${path}`).toBe(405);
        expect(answer.headers.allow).toMatch(/GET/);
      }
      const control = await send(url, method, '/breakers/db/reset', AUTH);
      expect(control.status, `${method} control`).toBe(405);
      expect(control.headers.allow).toBe('POST');
    }
    for (const path of ['/health', '/breakers', '/breakers/db']) {
      expect((await send(url, 'POST', path, AUTH)).status).toBe(405);
    }
    // A method Node does not know, not HTTP at all, a version it refuses: answered by Node itself.
    expect((await send(url, 'FOO', '/health').catch(() => ({ status: 400 }))).status).toBe(400);
    expect(await rawExchange(port, 'HELLO\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawExchange(port, 'GET /health HTTP/9.9\r\n\r\n')).toMatch(/^HTTP\/1\.1 (400|505)/);
    await healthy(url);
    await settleEventLoop();
    expect(faults.unhandled).toEqual([]);
  });

  it('paths: traversal, encoded and bad encodings, very long, unicode', async () => {
    faults = watchProcessFaults();
    const { url, port } = await serve();
    const cases: [string, number][] = [
      ['/breakers/../health', 404],
      ['/breakers/%2e%2e/health', 404],
      ['/breakers/..%2fhealth', 404],
      ['/breakers/%2e%2e', 404],
      ['/../../etc/passwd', 404],
      ['/breakers/%ZZ', 400],
      ['/breakers/%E0%A4%A', 400],
      ['/breakers/%00', 404],
      ['/breakers/db%00', 404],
      ['//health', 404],
      ['/health/', 404],
      ['/breakers//db', 404],
      ['/breakers/db/open/extra', 404],
      ['/breakers/caf%C3%A9%20%E2%98%95', 200],
      ['/breakers/a%2Fb', 200],
      ['/breakers/db?x=%ZZ&y', 200],
      ['/health#fragment', 200],
      ['/breakers/%F0%9F%92%A9', 404],
      [`/breakers/${'x'.repeat(8000)}`, 404],
    ];
    for (const [path, status] of cases) {
      const answer = await send(url, 'GET', path);
      expect(answer.status, path).toBe(status);
      if (status !== 200) expect(() => JSON.parse(answer.body), path).not.toThrow();
    }
    // Longer than Node's header limit: Node answers 431 itself.
    const huge = await rawExchange(
      port,
      `GET /breakers/${'y'.repeat(64 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    expect(huge).toMatch(/^HTTP\/1\.1 431/);
    await healthy(url);
    await settleEventLoop();
    expect(faults.unhandled).toEqual([]);
  });

  it('tokens: missing, wrong, near misses and huge are refused; only the token itself opens', async () => {
    faults = watchProcessFaults();
    const { url, port, registry } = await serve();
    const reset = '/breakers/db/force-open';
    const refused: [Record<string, string>, number][] = [
      [{}, 401],
      [{ authorization: '' }, 401],
      [{ authorization: 'Bearer' }, 401],
      [{ authorization: 'Bearer ' }, 401],
      [{ authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` }, 401],
      [{ authorization: `Bearer ${TOKEN.slice(0, -1)}` }, 401],
      [{ authorization: `Bearer ${TOKEN}x` }, 401],
      [{ authorization: `Bearer ${TOKEN.toUpperCase()}` }, 401],
      [{ authorization: `Bearer ${TOKEN} ${TOKEN}` }, 401],
      [{ authorization: `Bearer ${'a'.repeat(8000)}` }, 401],
      [{ authorization: `Bearer ${TOKEN}\u0000` }, 401],
    ];
    for (const [headers, status] of refused) {
      const answer: Answer = await send(url, 'POST', reset, headers).catch((error: Error) => ({
        status: -1,
        headers: {},
        body: error.message,
      }));
      // A header Node itself refuses (a NUL) never reaches the handler: the client errs instead.
      if (answer.status === -1) continue;
      expect(answer.status, JSON.stringify(headers).slice(0, 60)).toBe(status);
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    expect(registry.get('db')?.state).toBe('closed');
    // Headers beyond Node's limit (16 KiB): 431 from Node.
    const tooLong = await rawExchange(
      port,
      `POST ${reset} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'t'.repeat(32 * 1024)}\r\n\r\n`,
    );
    expect(tooLong).toMatch(/^HTTP\/1\.1 431/);
    // The token itself, with a lower-case scheme and extra spaces too.
    for (const authorization of [`Bearer ${TOKEN}`, `bearer   ${TOKEN}`]) {
      expect((await send(url, 'POST', '/breakers/db/reset', { authorization })).status).toBe(200);
    }
    expect((await send(url, 'POST', reset, AUTH)).status).toBe(200);
    expect(registry.get('db')?.state).toBe('forced_open');
    // Without a token configured, control is off for everyone.
    const off = await serve({ token: undefined as never });
    expect((await send(off.url, 'POST', reset, AUTH)).status).toBe(403);
    await settleEventLoop();
    expect(faults.unhandled).toEqual([]);
  });

  it('500 event-stream clients at once: the limit is served, the rest refused with 503, memory bounded, the process healthy', async () => {
    faults = watchProcessFaults();
    const { url, port, handler } = await serve({ maxClients: 32, tickInterval: 50 });
    collect();
    const heapBefore = process.memoryUsage().heapUsed;
    const sockets: Socket[] = [];
    const statuses = await Promise.all(
      Array.from(
        { length: 500 },
        () =>
          new Promise<number>((resolve, reject) => {
            const socket = connect(port, '127.0.0.1');
            sockets.push(socket);
            let head = '';
            socket.setEncoding('utf8');
            socket.on('data', (chunk: string) => {
              if (head.includes('\r\n')) return;
              head += chunk;
              const status = /^HTTP\/1\.1 (\d{3})/.exec(head);
              if (status !== null) resolve(Number(status[1]));
            });
            socket.on('error', reject);
            socket.write('GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
          }),
      ),
    );
    const served = statuses.filter((status) => status === 200).length;
    const refused = statuses.filter((status) => status === 503).length;
    expect(served).toBe(32);
    expect(refused).toBe(468);
    expect(handler.streams).toBe(32);
    collect();
    const heapDuring = process.memoryUsage().heapUsed;
    expect(heapDuring - heapBefore).toBeLessThan(32 * 1024 * 1024);
    await healthy(url);
    for (const socket of sockets) socket.destroy();
    await until(() => handler.streams === 0, 'every stream to end');
    // The streams are free again.
    const again = await rawExchange(port, 'GET /events HTTP/1.1\r\nHost: x\r\n\r\n', 300);
    expect(again).toMatch(/^HTTP\/1\.1 200/);
    await settleEventLoop();
    expect(faults.unhandled).toEqual([]);
    expect(faults.uncaught).toEqual([]);
  });

  it('event-stream clients that stop reading are dropped; the others keep their stream', async () => {
    faults = watchProcessFaults();
    // Many breakers with long names make ticks big, so a client that never reads congests quickly.
    const registry = new CircuitBreakerRegistry({ clock: new FakeClock() });
    for (let i = 0; i < 400; i++) registry.register(`dependency-${'x'.repeat(80)}-${i}`);
    const { url, port, handler } = await serve(
      { tickInterval: 10, maxBufferBytes: 64 * 1024, stallTimeout: 300 },
      registry,
    );
    const stalled: Socket[] = [];
    for (let i = 0; i < 5; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n');
      socket.pause(); // never reads
      stalled.push(socket);
    }
    const reader = connect(port, '127.0.0.1');
    let received = 0;
    reader.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    reader.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => handler.streams === 6, 'the streams to open');
    await until(() => handler.streams === 1, 'the stalled clients to be dropped', 30_000);
    const before = received;
    await until(() => received > before + 10_000, 'the reader to go on receiving ticks');
    await healthy(url);
    reader.destroy();
    for (const socket of stalled) socket.destroy();
    await settleEventLoop();
    expect(faults.unhandled).toEqual([]);
    expect(faults.uncaught).toEqual([]);
  });
});
