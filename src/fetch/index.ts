/**
 * A `fetch` with one breaker per host (`createFetch`).
 * @module breakwater/fetch
 */
export type { CreateFetchOptions, FetchFunction, ProtectedFetch } from './createFetch.js';
export { createFetch } from './createFetch.js';
