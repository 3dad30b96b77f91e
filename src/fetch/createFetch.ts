import type { CircuitBreaker } from '../CircuitBreaker.js';
import { systemClock } from '../clock/Clock.js';
import { expected } from '../options/describe.js';
import { CircuitBreakerRegistry } from '../registry/CircuitBreakerRegistry.js';
import { defaultRegistry } from '../registry/defaultRegistry.js';
import type { KeyedBreakers, KeyedBreakersOptions } from '../registry/KeyedBreakers.js';
import { parseRetryAfter } from './retryAfter.js';

/** The signature of `fetch`. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A `fetch` protected by one breaker per host; `breakers` is its keyed group. */
export type ProtectedFetch = FetchFunction & {
  /** The group holding one breaker per key (`<name>:<origin>`). */
  readonly breakers: KeyedBreakers;
};

/** Options of {@link createFetch}: where the breakers live, how requests map to them, and their options. */
export interface CreateFetchOptions extends KeyedBreakersOptions {
  /** Registry holding the group. @default defaultRegistry */
  registry?: CircuitBreakerRegistry;
  /**
   * Name of the keyed group; breakers are named `<name>:<key>`. A second `createFetch()` on the same
   * registry with the same name and the same options shares the first one's breakers; with other
   * options it throws: give each differently configured fetch its own `name`.
   * @default 'fetch'
   */
  name?: string;
  /** One breaker per `'origin'` (`https://api.example.com:8443`), per `'host'` (`api.example.com:8443`), or per what a function returns. @default 'origin' */
  key?: 'origin' | 'host' | ((url: URL) => string);
  /** The `fetch` that sends requests. @default globalThis.fetch */
  fetch?: FetchFunction;
  /** Longest open period a server's `Retry-After` may ask for, in ms (a later trial asks again). @default 300_000 */
  maxRetryAfter?: number;
}

/**
 * A `fetch` that keeps one breaker per host (a keyed group of the registry). Network errors, timeouts
 * (the `timeout` option) and 5xx responses count as failures; 4xx do not (the caller still receives
 * every response). A 429 or 503 carrying `Retry-After` (seconds or an HTTP date) opens that host's
 * breaker for the stated time. While a host's breaker is open, requests to it reject with
 * `CircuitBreakerOpenError` (or get the `fallback`) without being sent.
 *
 * @param options - `registry`, `name`, `key`, `fetch`, `maxRetryAfter`, `maxKeys`, `idleTtl`, and
 * breaker options for every host (`isResultFailure` replaces the 5xx rule).
 * @returns A function with `fetch`'s signature, with its group as `breakers`.
 * @throws TypeError or RangeError for invalid options; TypeError when a fetch of the same `name`
 * exists in the registry with other options (give this one another `name`).
 * @example
 * ```ts
 * import { createFetch } from 'breakwater/fetch';
 * const fetch = createFetch({ failureThreshold: 5, timeout: 10_000, resetTimeout: 30_000 });
 * const res = await fetch('https://api.example.com/v1/orders');
 * ```
 */
export function createFetch(options: CreateFetchOptions = {}): ProtectedFetch {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(expected('options', 'an object', options));
  }
  const {
    registry = defaultRegistry,
    name = 'fetch',
    key = 'origin',
    fetch: send = globalThis.fetch,
    maxRetryAfter = 300_000,
    ...breakerOptions
  } = options;
  if (!(registry instanceof CircuitBreakerRegistry)) {
    throw new TypeError(expected('registry', 'a CircuitBreakerRegistry', registry));
  }
  if (typeof send !== 'function') throw new TypeError(expected('fetch', 'a fetch function', send));
  if (key !== 'origin' && key !== 'host' && typeof key !== 'function') {
    throw new TypeError(expected('key', '"origin", "host" or a function (url) => string', key));
  }
  if (typeof maxRetryAfter !== 'number' || !(maxRetryAfter > 0)) {
    const message = expected('maxRetryAfter', 'a duration in ms > 0', maxRetryAfter);
    throw typeof maxRetryAfter === 'number' ? new RangeError(message) : new TypeError(message);
  }
  const group = keyedGroup(registry, name, { isResultFailure: isServerError, ...breakerOptions });
  const clock = breakerOptions.clock ?? registry.defaults.clock ?? systemClock;
  const keyOf = key === 'origin' ? originOf : key === 'host' ? hostOf : key;

  const openFor = (breaker: CircuitBreaker, response: Response): void => {
    if (response.status !== 429 && response.status !== 503) return;
    const wallNow = clock.wallNow?.() ?? Date.now();
    const ms = parseRetryAfter(response.headers.get('retry-after'), wallNow);
    if (ms === undefined || !(ms > 0)) return;
    const state = breaker.state;
    // An operator's forced state wins over a server's hint.
    if (state === 'forced_open' || state === 'forced_closed') return;
    breaker.open(Math.min(ms, maxRetryAfter));
  };

  const protectedFetch: FetchFunction = (input, init) => {
    let breaker: CircuitBreaker;
    try {
      breaker = group.get(String(keyOf(toURL(input))));
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    return breaker.call(
      async (ctx) => {
        const response = await send(input, { ...init, signal: ctx.signal });
        openFor(breaker, response);
        return response;
      },
      signal == null ? undefined : { signal },
    );
  };
  return Object.assign(protectedFetch, { breakers: group });
}

/**
 * The registry's keyed group for this fetch. A second `createFetch()` with the same `name` and other
 * options is refused (two fetches never share breakers configured for only one of them), with an
 * error naming the `name` option that gives the second its own breakers.
 */
function keyedGroup(
  registry: CircuitBreakerRegistry,
  name: string,
  options: KeyedBreakersOptions,
): KeyedBreakers {
  const existed = registry.group(name) !== undefined;
  try {
    return registry.keyed(name, options);
  } catch (error) {
    if (!existed || !(error instanceof TypeError)) throw error;
    const differs = /\(`([^`]+)` differs\)/.exec(error.message)?.[1];
    throw new TypeError(
      `createFetch: a protected fetch named '${name}' already exists in this registry with other options` +
        `${differs === undefined ? '' : ` (\`${differs}\` differs)`}. Give this one its own \`name\` option ` +
        `(createFetch({ name: '${name}-2', ... }): each name keeps its own breakers), or pass the same options ` +
        'to share its breakers',
      { cause: error },
    );
  }
}

function isServerError(value: unknown): boolean {
  const status = (value as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 500;
}

function originOf(url: URL): string {
  return url.origin;
}

function hostOf(url: URL): string {
  return url.host;
}

function toURL(input: string | URL | Request): URL {
  if (input instanceof URL) return input;
  const href = typeof input === 'string' ? input : input.url;
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  return new URL(href, base);
}
