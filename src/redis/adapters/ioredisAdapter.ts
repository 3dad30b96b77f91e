import type { Cluster, Redis } from 'ioredis';
import {
  type ConnectionEvents,
  type ConnectionSettings,
  type RedisAdapter,
  type RedisConnection,
  reconnectDelay,
} from './RedisConnection.js';

/** What the adapter uses of an ioredis client or Cluster (v5 and v6 alike). */
type IoClient = Pick<Redis, 'call' | 'on' | 'disconnect' | 'status' | 'subscribe'> & {
  duplicate: (...args: never[]) => IoClient;
  readonly isCluster?: boolean;
};

/** Whether `client` looks like an ioredis client or Cluster. */
export function isIoredis(client: unknown): boolean {
  const c = client as Partial<IoClient> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.duplicate === 'function' &&
    typeof c.call === 'function' &&
    typeof c.on === 'function' &&
    typeof (c as { sendCommand?: unknown }).sendCommand === 'function' &&
    'status' in c
  );
}

/**
 * The adapter for ioredis 5/6 clients and ioredis `Cluster`s: connections by `duplicate()` with no
 * offline queue, `commandTimeout`, auto-pipelining and a bounded retry strategy.
 */
export function ioredisAdapter(client: unknown): RedisAdapter {
  const user = client as IoClient;
  const cluster = user.isCluster === true;
  const duplicate = (settings: ConnectionSettings, subscriber: boolean): IoClient => {
    const retry = (times: number) => reconnectDelay(times, settings.maxReconnectDelay);
    if (cluster) {
      const options = {
        enableOfflineQueue: subscriber,
        enableAutoPipelining: !subscriber,
        clusterRetryStrategy: retry,
        lazyConnect: false,
        redisOptions: {
          commandTimeout: subscriber ? undefined : settings.commandTimeout,
          connectTimeout: 2_000,
          disconnectTimeout: 0,
        },
      };
      return (user as unknown as Cluster).duplicate([], options as never) as unknown as IoClient;
    }
    return (user.duplicate as (options: object) => IoClient)({
      enableOfflineQueue: subscriber,
      enableAutoPipelining: !subscriber,
      commandTimeout: subscriber ? undefined : settings.commandTimeout,
      maxRetriesPerRequest: subscriber ? null : 0,
      retryStrategy: retry,
      reconnectOnError: null,
      // The adapter subscribes on every 'ready' itself: ioredis's own resubscription leaves its
      // promise unhandled, which rejects when the connection closes before Redis answers.
      autoResubscribe: false,
      connectTimeout: 2_000,
      // A closed connection's socket goes at once (not after 2 s): a frozen Redis never answers the FIN.
      disconnectTimeout: 0,
      lazyConnect: false,
    });
  };
  const wrap = (connection: IoClient, events: ConnectionEvents): RedisConnection => {
    let closed = false;
    let ready = false;
    connection.on('ready', () => {
      ready = true;
      if (!closed) events.onReady();
    });
    connection.on('error', (error: unknown) => {
      if (!closed) events.onError(error);
    });
    connection.on('close', () => {
      const was = ready;
      ready = false;
      // A clean close (a FIN, no socket error) is a lost connection too: ioredis reconnects quietly.
      if (was && !closed) events.onError(new Error('The connection to Redis closed; reconnecting'));
    });
    connection.on('end', () => {
      ready = false;
    });
    return {
      get ready() {
        return ready && !closed;
      },
      send: (command, args) => connection.call(command, ...args.map(String)),
      close: async () => {
        closed = true;
        ready = false;
        connection.disconnect();
      },
    };
  };
  return {
    kind: cluster ? 'ioredis Cluster' : 'ioredis',
    commands: (settings, events) => wrap(duplicate(settings, false), events),
    subscriber(channel, onMessage, settings, events) {
      const connection = duplicate(settings, true);
      connection.on('message', (received: string, text: string) => {
        if (received === channel) onMessage(text);
      });
      return wrap(connection, {
        onReady: () => {
          connection.subscribe(channel).then(
            () => events.onReady(),
            (error: unknown) => events.onError(error),
          );
        },
        onError: events.onError,
      });
    },
  };
}
