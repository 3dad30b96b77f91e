export type { RedisStoreStats } from './RedisStore.js';
export { RedisStore } from './RedisStore.js';
export type { RedisStoreOptions } from './RedisStoreOptions.js';
