import { ioredisAdapter, isIoredis } from './ioredisAdapter.js';
import { isNodeRedis, nodeRedisAdapter } from './nodeRedisAdapter.js';
import type { RedisAdapter } from './RedisConnection.js';

/**
 * The adapter for the user's client: ioredis (v5/v6, or a `Cluster`) or node-redis (v5+), told
 * apart by their methods (`call` is ioredis's).
 * @returns The adapter, or `undefined` for anything else.
 */
export function adapterFor(client: unknown): RedisAdapter | undefined {
  if (isIoredis(client)) return ioredisAdapter(client);
  if (isNodeRedis(client)) return nodeRedisAdapter(client);
  return undefined;
}
