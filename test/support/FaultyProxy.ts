import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a local server, for fault tests: it adds latency to every
 * chunk in both directions and can cut every connection at once (the clients then reconnect).
 */
export class FaultyProxy {
  /** Ms added to every chunk forwarded. */
  latency = 0;
  port = 0;
  readonly #target: number;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;

  /** @param target - The real server's port on 127.0.0.1. */
  constructor(target: number) {
    this.#target = target;
  }

  /** Starts listening on a free port (or the same port again). @returns The port. */
  async listen(): Promise<number> {
    const server = createServer((client) => {
      const upstream = connect(this.#target, '127.0.0.1');
      const pipe = (from: Socket, to: Socket) =>
        from.on('data', (chunk) => {
          if (this.latency === 0) to.write(chunk);
          else setTimeout(() => to.writable && to.write(chunk), this.latency);
        });
      pipe(client, upstream);
      pipe(upstream, client);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => {
          this.#sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
        socket.on('error', () => {});
      }
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  /** Cuts every forwarded connection (the proxy keeps listening). */
  cut(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  /** Stops listening and cuts every connection. */
  async close(): Promise<void> {
    this.cut();
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
