/**
 * Breakers shared by a fleet through Redis (`RedisStore`), with ioredis or node-redis.
 * @module breakwater/redis
 */
export type { RedisStoreStats } from './RedisStore.js';
export { RedisStore } from './RedisStore.js';
export type { RedisStoreOptions } from './RedisStoreOptions.js';
