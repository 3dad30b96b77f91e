// @ts-check
/**
 * `RedisStore` from the same build as the core the bench imports (bench/lib/peers.js): the built
 * `dist/redis/index.js`, or, when BREAKWATER_DIST names another entry, `redis/index.<ext>` beside it
 * (resolved like peers.js resolves it: relative to this folder, or absolute).
 */
import { extname } from 'node:path';

const entry = process.env.BREAKWATER_DIST ?? '../../dist/index.js';
const url = new URL(`redis/index${extname(entry)}`, new URL(entry, import.meta.url));

export const { RedisStore } = /** @type {typeof import('../../dist/redis/index.js')} */ (
  await import(url.href)
);
