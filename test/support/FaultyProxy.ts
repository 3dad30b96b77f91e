import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * What the proxy does with the bytes it forwards:
 * - `pass`: forwards them (after `latency` ms);
 * - `stall`: holds them, and forwards what it held once the mode changes (a TCP stall: nothing is
 *   lost, everything is late);
 * - `discard`: drops them in both directions, connections stay up (a black hole);
 * - `discard-replies`: forwards what clients send and drops what the server answers (commands run,
 *   their replies are lost: a client that kept the connection reads later replies out of step).
 */
export type ProxyMode = 'pass' | 'stall' | 'discard' | 'discard-replies';

/** One forwarded connection: the client's socket, the server's, and the bytes held in `stall`. */
interface Link {
  readonly client: Socket;
  readonly upstream: Socket;
  readonly held: Array<[Socket, Buffer]>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of a local server, for fault tests: it adds latency, stalls,
 * drops bytes without closing (see {@link ProxyMode}), and closes connections every way a network
 * can: a clean cut, a reset (RST), or a half-close of either side. The clients reconnect through it.
 */
export class FaultyProxy {
  /** Ms added to every chunk forwarded. */
  latency = 0;
  port = 0;
  /** Connections accepted so far (each reconnection of a client is one more). */
  accepted = 0;
  readonly #target: number;
  readonly #links = new Set<Link>();
  #mode: ProxyMode = 'pass';
  #server: Server | undefined;

  /** @param target - The real server's port on 127.0.0.1. */
  constructor(target: number) {
    this.#target = target;
  }

  /** What is done with the bytes (see {@link ProxyMode}); leaving `stall` forwards what was held. */
  get mode(): ProxyMode {
    return this.#mode;
  }

  set mode(mode: ProxyMode) {
    this.#mode = mode;
    if (mode === 'stall') return;
    for (const link of this.#links) {
      for (const [to, chunk] of link.held.splice(0)) if (mode === 'pass') this.#write(to, chunk);
    }
  }

  /** Connections open now. */
  get open(): number {
    return this.#links.size;
  }

  /** Starts listening on a free port (or the same port again). @returns The port. */
  async listen(): Promise<number> {
    // Half-open allowed: each side's FIN is passed on by the proxy itself (see `halfClose`).
    const server = createServer({ allowHalfOpen: true }, (client) => {
      this.accepted++;
      const upstream = connect(this.#target, '127.0.0.1');
      const link: Link = { client, upstream, held: [] };
      this.#links.add(link);
      const pipe = (from: Socket, to: Socket, reply: boolean) =>
        from.on('data', (chunk: Buffer) => {
          const mode = this.#mode;
          if (mode === 'discard' || (mode === 'discard-replies' && reply)) return;
          if (mode === 'stall') link.held.push([to, chunk]);
          else this.#write(to, chunk);
        });
      pipe(client, upstream, false);
      pipe(upstream, client, true);
      for (const socket of [client, upstream]) {
        socket.on('close', () => {
          this.#links.delete(link);
          client.destroy();
          upstream.destroy();
        });
        socket.on('error', () => {});
      }
      // A half-close of one side is passed on to the other, as a router would.
      client.on('end', () => upstream.end());
      upstream.on('end', () => client.end());
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: this.port, host: '127.0.0.1' }, resolve);
    });
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  /** Cuts every forwarded connection (the proxy keeps listening). */
  cut(): void {
    for (const link of this.#links) {
      link.client.destroy();
      link.upstream.destroy();
    }
  }

  /** Resets every forwarded connection: the clients read ECONNRESET. */
  reset(): void {
    for (const link of this.#links) {
      link.client.resetAndDestroy();
      link.upstream.destroy();
    }
  }

  /**
   * Half-closes every forwarded connection: `'client'` sends the clients a FIN (as if the server
   * closed its side) while the server's side stays open; `'server'` sends the server a FIN (as if the
   * clients were done sending) while the clients' side stays open.
   */
  halfClose(side: 'client' | 'server'): void {
    for (const link of this.#links) (side === 'client' ? link.client : link.upstream).end();
  }

  /** Stops listening and cuts every connection. */
  async close(): Promise<void> {
    this.cut();
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #write(to: Socket, chunk: Buffer): void {
    if (this.latency === 0) {
      if (to.writable) to.write(chunk);
    } else {
      setTimeout(() => to.writable && to.write(chunk), this.latency);
    }
  }
}
