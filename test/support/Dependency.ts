import { createServer, type Server } from 'node:http';

/**
 * A loopback HTTP dependency that counts what reaches it: `up` answers 200 after `latency` ms,
 * `down` answers 503. Requests marked `x-trial: 1` (admitted while the caller's breaker was
 * half-open) are tracked for concurrency.
 */
export class Dependency {
  mode: 'up' | 'down' = 'up';
  latency = 0;
  received = 0;
  trialsInFlight = 0;
  mostTrialsInFlight = 0;
  trials = 0;
  readonly #server: Server;

  constructor() {
    this.#server = createServer((request, response) => {
      this.received++;
      const trial = request.headers['x-trial'] === '1';
      if (trial) {
        this.trials++;
        this.trialsInFlight++;
        this.mostTrialsInFlight = Math.max(this.mostTrialsInFlight, this.trialsInFlight);
      }
      const status = this.mode === 'up' ? 200 : 503;
      setTimeout(() => {
        if (trial) this.trialsInFlight--;
        response.writeHead(status).end(status === 200 ? 'ok' : 'down');
      }, this.latency);
    });
  }

  /** @returns The URL to call. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as { port: number }).port}/`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
