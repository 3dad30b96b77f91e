import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceMode } from './story.js';

/**
 * A real HTTP service on 127.0.0.1 (ephemeral port) whose health the demo switches: `healthy` answers
 * `200 {"price":…}` after `healthyLatency` ms, `failing` answers 500 after `failingLatency` ms,
 * `hanging` keeps the request open until the client gives up.
 */
export class FlakyService {
  /** Current behaviour; applies to requests arriving from now on. */
  mode: ServiceMode = 'healthy';
  /** Requests that reached the service. */
  received = 0;
  readonly #server: Server;
  readonly #healthyLatency: number;
  readonly #failingLatency: number;
  readonly #pending = new Set<NodeJS.Timeout>();

  /**
   * @param healthyLatency - Ms a healthy answer takes.
   * @param failingLatency - Ms a 500 takes.
   */
  constructor(healthyLatency: number, failingLatency: number) {
    this.#healthyLatency = healthyLatency;
    this.#failingLatency = failingLatency;
    this.#server = createServer((request, response) => this.#handle(request, response));
  }

  /**
   * Starts listening.
   * @returns The service's URL, e.g. `http://127.0.0.1:49152/price`.
   */
  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/price`;
  }

  /** Stops: pending answers are dropped and open connections closed. */
  async close(): Promise<void> {
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    this.received++;
    request.resume();
    if (this.mode === 'hanging') return; // the client's timeout (ctx.signal) ends it
    const healthy = this.mode === 'healthy';
    const timer = setTimeout(
      () => {
        this.#pending.delete(timer);
        if (response.destroyed) return;
        const body = healthy ? { price: 42 } : { error: 'internal error' };
        response.writeHead(healthy ? 200 : 500, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      },
      healthy ? this.#healthyLatency : this.#failingLatency,
    );
    this.#pending.add(timer);
  }
}
