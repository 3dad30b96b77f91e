export type { CreateFetchOptions, FetchFunction, ProtectedFetch } from './createFetch.js';
export { createFetch } from './createFetch.js';
