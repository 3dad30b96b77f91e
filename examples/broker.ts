/**
 * Publishing to RabbitMQ (amqplib) through a circuit breaker.
 *
 * Each publish waits for the broker's confirm, with a timeout: a confirm cannot be cancelled, so on
 * timeout the caller stops waiting (the breaker ignores the late confirm). The message may still
 * arrive: publishing is at-least-once, so give messages an id and let consumers drop duplicates.
 * When the broker goes away, publishes fail, the breaker opens, and later publishes are refused at
 * once instead of piling up — see queue-with-local-fallback.ts for where to put them meanwhile.
 *
 * Run: `npx tsx examples/broker.ts` (RabbitMQ at amqp://guest:guest@127.0.0.1:5672).
 */
import { randomUUID } from 'node:crypto';
import amqp, { type ConfirmChannel } from 'amqplib';
import { CircuitBreaker, isCircuitBreakerOpenError } from 'breakwater';
import { runIfMain } from './support/runIfMain.js';

/** The example broker. */
export const BROKER_URL = 'amqp://guest:guest@127.0.0.1:5672';

/**
 * Publishes `body` to `queue` and resolves once the broker confirms it. Stops waiting (rejects with
 * `signal.reason`) when `signal` aborts; the confirm itself cannot be withdrawn.
 */
export function publishConfirmed(
  channel: ConfirmChannel,
  queue: string,
  body: unknown,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const stopWaiting = (): void => reject(signal.reason);
    signal.addEventListener('abort', stopWaiting, { once: true });
    const content = Buffer.from(JSON.stringify(body));
    channel.sendToQueue(queue, content, { persistent: true, messageId: randomUUID() }, (error: unknown) => {
      signal.removeEventListener('abort', stopWaiting);
      if (error) reject(error);
      else resolve();
    });
  });
}

/** What {@link main} did, for its test. */
export interface BrokerOutcome {
  published: number;
  received: number;
  failedAfterBrokerLoss: number;
  rejectedFast: number;
  state: string;
}

/** Publishes five orders, loses the broker, and shows the breaker opening. */
export async function main(url = BROKER_URL): Promise<BrokerOutcome> {
  const connection = await amqp.connect(url);
  connection.on('error', () => {}); // surfaced through the failing publishes instead
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => {});
  const { queue } = await channel.assertQueue('', { exclusive: true });
  const breaker = new CircuitBreaker({
    name: 'rabbitmq',
    failureThreshold: 3,
    resetTimeout: 30_000,
    timeout: 2_000,
  });
  const publish = (order: unknown): Promise<void> =>
    breaker.call(({ signal }) => publishConfirmed(channel, queue, order, signal));
  const outcome: BrokerOutcome = {
    published: 0,
    received: 0,
    failedAfterBrokerLoss: 0,
    rejectedFast: 0,
    state: '',
  };

  try {
    for (let id = 1; id <= 5; id++) {
      await publish({ id, item: 'coffee' });
      outcome.published++;
    }
    // Read them back, to show they arrived.
    await new Promise<void>((resolve) => {
      void channel.consume(queue, (message) => {
        if (message === null) return;
        channel.ack(message);
        if (++outcome.received === outcome.published) resolve();
      });
    });

    // The broker goes away (here: we close the connection under the publisher).
    await connection.close();
    for (let id = 6; id <= 10; id++) {
      try {
        await publish({ id, item: 'tea' });
      } catch (error) {
        if (isCircuitBreakerOpenError(error)) outcome.rejectedFast++;
        else outcome.failedAfterBrokerLoss++; // "Channel closed": counted by the breaker
      }
    }
    outcome.state = breaker.state;
  } finally {
    breaker.dispose();
    await connection.close().catch(() => {}); // already closed on the happy path
  }
  return outcome;
}

runIfMain(import.meta.url, main);
