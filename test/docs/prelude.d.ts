// The free names README snippets use: an application's own types, values and functions, declared so
// that fragments type-check (test/docs/readme-snippets.test.ts). Global, so every snippet sees them;
// a snippet's own declaration of the same name shadows them. Keep each one as small as the snippets
// need, and never declare here anything breakwater itself exports.
// (Excluded from tsconfig.json: these globals must not leak into the repository's own code.)

type CircuitBreaker_ = import('breakwater').CircuitBreaker;

// The application's own types.
interface Order {
  readonly id: string;
  readonly amount: number;
}
interface Receipt {
  readonly id: string;
}
interface User {
  readonly id: string;
  readonly name: string;
}
declare class HttpClient {
  post<T>(path: string, body: unknown): Promise<T>;
}
declare class ValidationError extends Error {}
declare class OutOfStockError extends Error {}
declare class NotFoundError extends Error {}

// Values a fragment takes as given.
declare const breaker: CircuitBreaker_;
declare const usersApi: CircuitBreaker_;
declare const registry: import('breakwater').CircuitBreakerRegistry;
declare const store: import('breakwater/redis').RedisStore;
declare const logger: import('breakwater').Logger;
declare const client: import('ioredis').Redis;
declare const order: Order;
declare const sku: string;
declare const redis: import('ioredis').Redis;
declare const promRegister: import('prom-client').Registry;
declare const message: string;
declare const request: Request;
declare const cachedUser: User;
declare const id: string;
declare const tenantId: string;
declare const sql: string;
declare const input: string;
declare const db: { query(sql: string, options: { signal: AbortSignal }): Promise<User> };
declare const pool: { query(sql: string, options: { signal: AbortSignal }): Promise<unknown> };
declare const api: { get(path: string): Promise<unknown> };
declare const localQueue: { push(message: string): number };
declare const app: (
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
) => void;

// The application's own functions.
declare function charge(order: Order, options: { signal: AbortSignal }): Promise<Receipt>;
declare function queueForLater(order: Order, retryAfter: number): Promise<Receipt>;
declare function fetchUser(id: string, options: { signal: AbortSignal }): Promise<User>;
declare function query(tenantId: string, sql: string): Promise<unknown>;
declare function parse(input: string): unknown;
declare function openStream(options: { signal: AbortSignal }): import('node:stream').Readable;
declare function doWork(): Promise<void>;
declare function page(name: string): void;
declare function fetchPrice(sku: string, options: { signal: AbortSignal }): Promise<number>;
declare function lastKnownPrice(sku: string): number;
declare function fetchStock(sku: string, options: { signal: AbortSignal }): Promise<number>;
declare class IOError extends Error {}
