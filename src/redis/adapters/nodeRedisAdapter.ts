import type { RedisClientType } from 'redis';
import {
  type ConnectionEvents,
  type ConnectionSettings,
  type RedisAdapter,
  type RedisConnection,
  reconnectDelay,
} from './RedisConnection.js';

/** What the adapter uses of a node-redis v5 client. */
type NodeClient = Pick<RedisClientType, 'sendCommand' | 'on' | 'connect' | 'subscribe' | 'destroy'> & {
  duplicate: (overrides?: object) => NodeClient;
  readonly options?: { socket?: object };
};

/** Whether `client` looks like a node-redis v5+ client. */
export function isNodeRedis(client: unknown): boolean {
  const c = client as Partial<NodeClient> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.duplicate === 'function' &&
    typeof c.sendCommand === 'function' &&
    typeof c.connect === 'function' &&
    typeof (c as { call?: unknown }).call !== 'function'
  );
}

/**
 * The adapter for node-redis v5+ clients: connections by `duplicate()` with the offline queue
 * disabled, a command timeout and a bounded reconnect strategy; node-redis pipelines the commands
 * of one tick by itself.
 */
export function nodeRedisAdapter(client: unknown): RedisAdapter {
  const user = client as NodeClient;
  const duplicate = (settings: ConnectionSettings, subscriber: boolean): NodeClient =>
    user.duplicate({
      disableOfflineQueue: !subscriber,
      commandOptions: subscriber ? undefined : { timeout: settings.commandTimeout },
      socket: {
        ...(user.options?.socket ?? {}),
        connectTimeout: 2_000,
        reconnectStrategy: (retries: number) => reconnectDelay(retries, settings.maxReconnectDelay),
      },
    });
  const wrap = (connection: NodeClient, events: ConnectionEvents): RedisConnection => {
    let closed = false;
    let ready = false;
    connection.on('ready', () => {
      ready = true;
      if (!closed) events.onReady();
    });
    connection.on('error', (error: unknown) => {
      ready = false;
      if (!closed) events.onError(error);
    });
    connection.on('end', () => {
      ready = false;
    });
    connection.connect().catch((error: unknown) => {
      if (!closed) events.onError(error);
    });
    return {
      get ready() {
        return ready && !closed;
      },
      send: (command, args) => connection.sendCommand([command, ...args.map(String)]),
      close: async () => {
        closed = true;
        ready = false;
        try {
          connection.destroy();
        } catch {
          // Already closed.
        }
      },
    };
  };
  return {
    kind: 'node-redis',
    commands: (settings, events) => wrap(duplicate(settings, false), events),
    subscriber(channel, onMessage, settings, events) {
      const connection = duplicate(settings, true);
      let subscribed = false;
      return wrap(connection, {
        onReady: () => {
          // node-redis subscribes again by itself after a reconnect.
          if (subscribed) {
            events.onReady();
            return;
          }
          subscribed = true;
          connection
            .subscribe(channel, (text: string) => onMessage(text))
            .then(
              () => events.onReady(),
              (error: unknown) => events.onError(error),
            );
        },
        onError: events.onError,
      });
    },
  };
}
