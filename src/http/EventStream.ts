import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminSource } from './AdminSource.js';
import type { ResolvedHandlerOptions } from './handlerOptions.js';
import type { DashboardItem, DashboardTick, DashboardTransition } from './protocol.js';
import { SECURITY_HEADERS, sendError } from './respond.js';
import { SseClient } from './SseClient.js';

/** Ms after which an EventSource reconnects once its stream ended (sent as `retry:`). */
const RECONNECT_MS = 2000;

/**
 * @internal `GET /events`: server-sent events for a bounded number of clients. Each transition is
 * sent as it happens (`event: transition`), the breakers' figures once per tick (`event: tick`), and a
 * heartbeat comment keeps proxies from closing an idle stream. Everything runs only while a client is
 * connected: the first one starts the timers (unref()ed) and the source's subscriptions, the last one
 * to leave stops them, leaving no listener behind. A tick is sampled and serialised once for all.
 */
export class EventStream {
  readonly #source: AdminSource;
  readonly #options: ResolvedHandlerOptions;
  readonly #clients = new Set<SseClient>();
  #unwatch: (() => void) | undefined = undefined;
  #tickTimer: NodeJS.Timeout | undefined = undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined = undefined;
  /** The last tick's items, repeated when the source cannot be read. */
  #lastItems: readonly DashboardItem[] = [];
  /** The last tick as sent, for clients that join between ticks. */
  #lastTick: string | undefined = undefined;
  #sampling = false;
  #closed = false;

  constructor(source: AdminSource, options: ResolvedHandlerOptions) {
    this.#source = source;
    this.#options = options;
  }

  /** Clients connected now. */
  get size(): number {
    return this.#clients.size;
  }

  /** Serves one `GET /events` (or `HEAD`) request: a stream, or a 503 when the stream is full or closed. */
  accept(req: IncomingMessage, res: ServerResponse): void {
    if (this.#closed) {
      sendError(res, 503, 'unavailable', 'The event stream is closed');
      return;
    }
    if (this.#clients.size >= this.#options.maxClients) {
      sendError(
        res,
        503,
        'unavailable',
        `The event stream serves at most ${this.#options.maxClients} clients at once; try again later`,
        { 'retry-after': '5' },
      );
      return;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'x-accel-buffering': 'no',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const client = new SseClient(res, this.#options.maxBufferBytes, this.#options.stallTimeout, () =>
      this.#leave(client),
    );
    this.#clients.add(client);
    client.send(`retry: ${RECONNECT_MS}\n\n`, false, performance.now());
    if (this.#clients.size === 1) this.#start();
    else if (this.#lastTick !== undefined) client.send(this.#lastTick, false, performance.now());
  }

  /** Ends every stream and refuses new ones (call it before `server.close()`, which waits for them). */
  close(): void {
    this.#closed = true;
    for (const client of [...this.#clients]) client.end();
    this.#stop();
  }

  #start(): void {
    this.#unwatch = this.#source.watch((transition) => this.#transition(transition));
    this.#tickTimer = setInterval(() => this.#tick(), this.#options.tickInterval).unref();
    this.#heartbeatTimer = setInterval(
      () => this.#broadcast(': heartbeat\n\n', true),
      this.#options.heartbeatInterval,
    ).unref();
    this.#tick();
  }

  #stop(): void {
    clearInterval(this.#tickTimer);
    clearInterval(this.#heartbeatTimer);
    this.#tickTimer = this.#heartbeatTimer = undefined;
    const unwatch = this.#unwatch;
    this.#unwatch = undefined;
    this.#lastItems = [];
    this.#lastTick = undefined;
    try {
      unwatch?.();
    } catch (error) {
      this.#report(error, 'Stopping the event stream failed');
    }
  }

  #leave(client: SseClient): void {
    if (!this.#clients.delete(client)) return;
    if (this.#clients.size === 0) this.#stop();
  }

  #transition(transition: DashboardTransition): void {
    this.#broadcast(`event: transition\ndata: ${JSON.stringify(transition)}\n\n`, false);
  }

  #tick(): void {
    if (this.#sampling || this.#clients.size === 0) return;
    this.#sampling = true;
    const at = Date.now();
    const base = { at, interval: this.#options.tickInterval, scope: this.#source.scope };
    let sampled: Promise<readonly DashboardItem[]>;
    try {
      sampled = this.#source.sample();
    } catch (error) {
      sampled = Promise.reject(error);
    }
    sampled
      .then(
        (items): DashboardTick => {
          this.#lastItems = items;
          return { ...base, items };
        },
        (error: unknown): DashboardTick => {
          this.#report(error, 'Sampling the breakers for the event stream failed');
          return { ...base, items: this.#lastItems, error: 'The breakers could not be read' };
        },
      )
      .then((tick) => {
        this.#sampling = false;
        // The last client may have left while the source was read.
        if (this.#clients.size === 0) return;
        const chunk = `event: tick\ndata: ${JSON.stringify(tick)}\n\n`;
        this.#lastTick = chunk;
        this.#broadcast(chunk, true);
      })
      .catch((error: unknown) => {
        this.#sampling = false;
        this.#report(error, 'Sending a tick failed');
      });
  }

  #broadcast(chunk: string, droppable: boolean): void {
    const now = performance.now();
    for (const client of [...this.#clients]) {
      try {
        client.send(chunk, droppable, now);
      } catch (error) {
        client.drop();
        this.#report(error, 'Writing to an event-stream client failed');
      }
    }
  }

  #report(error: unknown, message: string): void {
    try {
      this.#options.logger?.error({ err: error }, message);
    } catch {
      // A logger that throws must not reach a timer or a socket callback.
    }
  }
}
