/**
 * A publisher that never loses a message while the broker is away: when RabbitMQ is unreachable or
 * the breaker is open, messages go to a local file queue (the per-call `fallback`), and they are
 * drained to the broker as soon as the breaker closes again (the `close` event).
 *
 * Order: messages published while the backlog drains may overtake it. If order matters, give
 * messages a sequence number and let consumers reorder.
 *
 * Run: `npx tsx examples/queue-with-local-fallback.ts` (RabbitMQ at 127.0.0.1:5672; the example puts
 * a proxy in front of it to take the broker away and bring it back).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { CircuitBreaker } from 'breakwater';
import { BROKER_URL, publishConfirmed } from './broker.js';
import { runIfMain } from './support/runIfMain.js';
import { TcpProxy } from './support/TcpProxy.js';

/** Messages waiting for the broker, one JSON per line in a file (they survive a restart). */
export class FileQueue {
  /** @param path - The file; created on first push. */
  constructor(readonly path: string) {}

  /** Appends a message. */
  push(message: unknown): void {
    appendFileSync(this.path, `${JSON.stringify(message)}\n`);
  }

  /** Takes every waiting message, oldest first, and empties the file. */
  takeAll(): unknown[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return [];
    }
    writeFileSync(this.path, '');
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown);
  }

  /** Messages waiting. */
  get size(): number {
    try {
      return readFileSync(this.path, 'utf8').split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  }
}

/** Publishes to a RabbitMQ queue through a breaker, falling back to a {@link FileQueue}. */
export class LocalFallbackPublisher {
  readonly breaker = new CircuitBreaker({
    name: 'rabbitmq',
    failureThreshold: 2,
    resetTimeout: 500,
    timeout: 2_000,
  });
  /** Messages sent from the local queue to the broker. */
  drained = 0;
  readonly #url: string;
  readonly #queue: string;
  readonly #local: FileQueue;
  #connection: Promise<{ model: ChannelModel; channel: ConfirmChannel }> | undefined;
  #draining: Promise<void> = Promise.resolve();

  constructor(url: string, queue: string, local: FileQueue) {
    this.#url = url;
    this.#queue = queue;
    this.#local = local;
    this.breaker.on('close', () => {
      this.#draining = this.#draining.then(() => this.#drain());
    });
  }

  /**
   * Publishes one message.
   * @returns Where it went: `'broker'` (confirmed) or `'local'` (kept for later).
   */
  publish(message: unknown): Promise<'broker' | 'local'> {
    return this.breaker.call(
      async ({ signal }) => {
        const { channel } = await this.#connect();
        await publishConfirmed(channel, this.#queue, message, signal);
        return 'broker' as const;
      },
      {
        // The broker failed or the breaker is open: keep the message.
        fallback: () => {
          this.#local.push(message);
          return 'local' as const;
        },
      },
    );
  }

  /** Resolves when the drains started so far are done. */
  idle(): Promise<void> {
    return this.#draining;
  }

  /** Closes the connection (the local queue stays on disk). */
  async close(): Promise<void> {
    this.breaker.dispose();
    const connection = this.#connection;
    this.#connection = undefined;
    await connection?.then(({ model }) => model.close()).catch(() => {});
  }

  async #drain(): Promise<void> {
    for (const message of this.#local.takeAll()) {
      // Through the breaker as well: if the broker fails again, the rest goes back to the file.
      if ((await this.publish(message)) === 'broker') this.drained++;
    }
  }

  /** One connection and confirm channel, opened on demand and forgotten when they break. */
  #connect(): Promise<{ model: ChannelModel; channel: ConfirmChannel }> {
    this.#connection ??= (async () => {
      const model = await amqp.connect(this.#url, { timeout: 2_000 });
      const forget = (): void => {
        this.#connection = undefined;
      };
      model.on('error', forget);
      model.on('close', forget);
      const channel = await model.createConfirmChannel();
      channel.on('error', forget);
      channel.on('close', forget);
      return { model, channel };
    })();
    const opening = this.#connection;
    opening.catch(() => {
      if (this.#connection === opening) this.#connection = undefined;
    });
    return opening;
  }
}

/** What {@link main} did, for its test. */
export interface QueueOutcome {
  /** Where each order went, in order. */
  destinations: Array<'broker' | 'local'>;
  /** Orders sent from the local queue once the breaker closed. */
  drained: number;
  /** Order ids the broker holds at the end, sorted. */
  received: number[];
  /** Messages left in the local queue. */
  leftLocally: number;
  /** The breaker's path. */
  transitions: string[];
}

/** Publishes orders while the broker is away, brings it back, and reads what arrived. */
export async function main(): Promise<QueueOutcome> {
  const proxy = new TcpProxy(5672);
  const port = await proxy.listen();
  await proxy.stop(); // the broker is away: connections to this port are refused
  const queue = `breakwater-example-${randomUUID()}`;
  const local = new FileQueue(join(tmpdir(), `${queue}.jsonl`));
  const publisher = new LocalFallbackPublisher(`amqp://guest:guest@127.0.0.1:${port}`, queue, local);
  const transitions: string[] = [];
  publisher.breaker.on('stateChange', ({ to }) => transitions.push(to));
  const admin = await amqp.connect(BROKER_URL);
  const destinations: QueueOutcome['destinations'] = [];
  let id = 0;
  const send = async (): Promise<void> => {
    destinations.push(await publisher.publish({ id: ++id, item: 'coffee' }));
  };

  try {
    const check = await admin.createChannel();
    await check.assertQueue(queue, { arguments: { 'x-expires': 60_000 } });
    for (let i = 0; i < 4; i++) await send(); // refused twice (the breaker opens), then kept at once
    await proxy.listen(port); // the broker is back
    // Steady traffic: kept locally until the open period ends, then a trial goes through, the
    // breaker closes, and the backlog drains.
    while (!transitions.includes('closed')) {
      if (id > 100) throw new Error('the breaker never closed');
      await delay(50);
      await send();
    }
    await publisher.idle();
    await send();
    const received: number[] = [];
    await check.consume(queue, (message) => {
      if (message !== null) received.push((JSON.parse(message.content.toString()) as { id: number }).id);
    });
    for (let waited = 0; received.length < id && waited < 5_000; waited += 50) await delay(50);
    await check.deleteQueue(queue);
    return {
      destinations,
      drained: publisher.drained,
      received: received.sort((a, b) => a - b),
      leftLocally: local.size,
      transitions,
    };
  } finally {
    await publisher.close();
    await admin.close().catch(() => {});
    await proxy.stop();
    rmSync(local.path, { force: true });
  }
}

runIfMain(import.meta.url, main);
