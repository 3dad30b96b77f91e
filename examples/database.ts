/**
 * A PostgreSQL query (node-postgres) protected by a circuit breaker.
 *
 * - `timeout` through the AbortSignal: pg takes no signal, so `query()` below cancels the running
 *   statement on the server (`pg_cancel_backend`) when `ctx.signal` aborts. The caller already has
 *   its `CircuitBreakerTimeoutError`; the breaker ignores the late outcome.
 * - A business error (a unique violation: the email is taken) is rethrown to the caller but
 *   `exclude`d from failures: a hundred sign-ups with taken emails never open the breaker.
 *
 * Run: `npx tsx examples/database.ts` (PostgreSQL at 127.0.0.1:5432, user postgres, database test).
 */
import { randomUUID } from 'node:crypto';
import { CircuitBreaker, isCircuitBreakerOpenError, isCircuitBreakerTimeoutError } from 'breakwater';
import pg from 'pg';
import { runIfMain } from './support/runIfMain.js';

/** Connection settings of the example database. */
export const DATABASE = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

/** The email is taken: the caller's problem, not the database's. */
export class DuplicateEmailError extends Error {
  override readonly name = 'DuplicateEmailError';
  constructor(
    readonly email: string,
    options?: ErrorOptions,
  ) {
    super(`${email} is already registered`, options);
  }
}

const pids = new WeakMap<pg.PoolClient, number>();

/**
 * Runs a statement on a pooled client; when `signal` aborts, cancels it on the server.
 * @returns The query's result.
 * @throws `signal.reason` when aborted before the statement starts, or pg's error.
 */
export async function query(
  pool: pg.Pool,
  signal: AbortSignal,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult> {
  const client = await pool.connect();
  try {
    // Aborted while waiting for a connection: ignore the rest, the caller has gone.
    signal.throwIfAborted();
    let pid = pids.get(client);
    if (pid === undefined) {
      pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      pids.set(client, pid);
    }
    const cancel = (): void => void cancelBackend(pid);
    signal.addEventListener('abort', cancel, { once: true });
    try {
      return await client.query(text, values);
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  } finally {
    client.release();
  }
}

/** Cancels the statement running on backend `pid`, over a connection of its own (the pool may be full). */
async function cancelBackend(pid: number): Promise<void> {
  const canceller = new pg.Client({ ...DATABASE, connectionTimeoutMillis: 2_000 });
  try {
    await canceller.connect();
    await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
  } catch {
    // The database is unreachable: nothing to cancel; the pool's timeouts take it from here.
  } finally {
    await canceller.end().catch(() => {});
  }
}

/** What {@link main} did, for its test. */
export interface DatabaseOutcome {
  created: number;
  duplicatesRejected: number;
  stateAfterDuplicates: string;
  slowQueriesTimedOut: number;
  slowQueriesCancelledOnServer: number;
  rejectedWhileOpen: boolean;
  stateAfterSlowQueries: string;
  /** `breaker.metrics()` figures: duplicates are ignored, timeouts are failures. */
  ignoredCalls: number;
  failedCalls: number;
}

/** Registers a user, hits the unique constraint, then runs slow queries until the breaker opens. */
export async function main(): Promise<DatabaseOutcome> {
  const pool = new pg.Pool({ ...DATABASE, max: 4, connectionTimeoutMillis: 2_000 });
  const breaker = new CircuitBreaker({
    name: 'postgres',
    failureThreshold: 3,
    resetTimeout: 30_000,
    timeout: 300,
    exclude: [DuplicateEmailError],
  });
  const outcome: DatabaseOutcome = {
    created: 0,
    duplicatesRejected: 0,
    stateAfterDuplicates: '',
    slowQueriesTimedOut: 0,
    slowQueriesCancelledOnServer: 0,
    rejectedWhileOpen: false,
    stateAfterSlowQueries: '',
    ignoredCalls: 0,
    failedCalls: 0,
  };
  const lateOutcomes: Promise<unknown>[] = [];
  const email = `ada+${randomUUID()}@example.com`;

  const register = (address: string) =>
    breaker.call(async ({ signal }) => {
      try {
        await query(pool, signal, 'INSERT INTO breakwater_example_users (email) VALUES ($1)', [address]);
      } catch (error) {
        if ((error as { code?: string }).code === '23505')
          throw new DuplicateEmailError(address, { cause: error });
        throw error;
      }
    });

  try {
    await query(
      pool,
      AbortSignal.timeout(5_000),
      'CREATE TABLE IF NOT EXISTS breakwater_example_users (email text PRIMARY KEY)',
    );
    await register(email);
    outcome.created++;
    for (let attempt = 0; attempt < 5; attempt++) {
      await register(email).catch((error: unknown) => {
        if (!(error instanceof DuplicateEmailError)) throw error;
        outcome.duplicatesRejected++;
      });
    }
    outcome.stateAfterDuplicates = breaker.state; // still closed: business errors are not failures

    // A report that takes 10 s; the breaker gives it 300 ms. Three timeouts open the breaker.
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        await breaker.call(({ signal }) => {
          const running = query(pool, signal, 'SELECT pg_sleep(10)');
          // Watch the statement end on the server (57014: canceled on user request).
          lateOutcomes.push(
            running.catch((error: { code?: string }) => {
              if (error.code === '57014') outcome.slowQueriesCancelledOnServer++;
            }),
          );
          return running;
        });
      } catch (error) {
        if (isCircuitBreakerTimeoutError(error)) outcome.slowQueriesTimedOut++;
        else if (isCircuitBreakerOpenError(error)) outcome.rejectedWhileOpen = true;
        else throw error;
      }
    }
    outcome.stateAfterSlowQueries = breaker.state;
    ({ ignoredCalls: outcome.ignoredCalls, failedCalls: outcome.failedCalls } = breaker.metrics());
    await Promise.all(lateOutcomes);
    await query(pool, AbortSignal.timeout(5_000), 'DELETE FROM breakwater_example_users WHERE email = $1', [
      email,
    ]);
  } finally {
    breaker.dispose();
    await pool.end();
  }
  return outcome;
}

runIfMain(import.meta.url, main);
