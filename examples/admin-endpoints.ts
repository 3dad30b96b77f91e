/**
 * Health and admin endpoints and the live dashboard (`breakwater/http`), mounted three ways: on a
 * bare `node:http` server, under Express 5 and under Fastify 5. Each serves `GET /admin/health`,
 * `GET /admin/breakers`, the control endpoints (bearer token) and the dashboard at `/admin/`.
 *
 * Run: `npx tsx examples/admin-endpoints.ts`, then open the printed address.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CircuitBreakerRegistry } from 'breakwater';
import { createAdminHandler } from 'breakwater/http';
import express from 'express';
import Fastify from 'fastify';
import { runIfMain } from './support/runIfMain.js';

/** A running server: its base URL, and how to stop it. */
export interface Running {
  readonly url: string;
  close(): Promise<void>;
}

/** node:http: the handler takes the requests under /admin, the application the rest. */
export async function withNodeHttp(registry: CircuitBreakerRegistry, token: string): Promise<Running> {
  const admin = createAdminHandler(registry, { token, basePath: '/admin' });
  const server = createServer((req, res) => {
    if (req.url === '/admin' || req.url?.startsWith('/admin/')) return admin(req, res);
    res.end('the application');
  });
  return start(server, () => admin.close());
}

/** Express 5: mounted with app.use(); Express strips '/admin' from req.url, so no basePath is needed. */
export async function withExpress(registry: CircuitBreakerRegistry, token: string): Promise<Running> {
  const admin = createAdminHandler(registry, { token });
  const app = express();
  app.use(express.json()); // body parsers before it are fine: the handler reads req.body
  app.use('/admin', admin);
  app.get('/', (_req, res) => {
    res.send('the application');
  });
  return start(createServer(app), () => admin.close());
}

/**
 * Fastify 5: in an onRequest hook, before Fastify parses the body; `reply.hijack()` hands the raw
 * request and response to the handler. Fastify passes the whole URL, so basePath is needed.
 */
export async function withFastify(registry: CircuitBreakerRegistry, token: string): Promise<Running> {
  const admin = createAdminHandler(registry, { token, basePath: '/admin' });
  const app = Fastify({ forceCloseConnections: true }); // close() cuts idle keep-alive sockets too
  app.addHook('onRequest', (request, reply, done) => {
    if (request.url !== '/admin' && !request.url.startsWith('/admin/')) return done();
    reply.hijack();
    admin(request.raw, reply.raw);
  });
  app.get('/', async () => 'the application');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      admin.close();
      await app.close();
    },
  };
}

async function start(server: Server, closeAdmin: () => void): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        closeAdmin(); // ends the dashboard's event streams, which server.close() would wait for
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Serves a registry's dashboard under each framework at once, until Ctrl-C. */
export async function main(): Promise<string[]> {
  const registry = new CircuitBreakerRegistry();
  registry.register('payments', { critical: true });
  const token = process.env.ADMIN_TOKEN ?? 'change-me-to-a-long-random-token';
  const servers = await Promise.all(
    [withNodeHttp, withExpress, withFastify].map((serve) => serve(registry, token)),
  );
  process.once('SIGINT', () => void Promise.all(servers.map((server) => server.close())));
  return servers.map((server) => `${server.url}/admin/`);
}

runIfMain(import.meta.url, main);
