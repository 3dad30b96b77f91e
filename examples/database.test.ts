import { describe, expect, it } from 'vitest';
import { main } from './database.js';
import { requireService } from './support/services.js';

const available = await requireService('PostgreSQL', 5432);

describe.skipIf(!available)('examples/database.ts', () => {
  it('keeps taken emails out of the failure count, and cancels timed-out queries on the server', async () => {
    const outcome = await main();
    expect(outcome).toEqual({
      created: 1,
      duplicatesRejected: 5,
      // Five unique violations in a row with failureThreshold 3: still closed, all five ignored.
      stateAfterDuplicates: 'closed',
      slowQueriesTimedOut: 3,
      // Each timeout aborted ctx.signal, which cancelled the statement in PostgreSQL.
      slowQueriesCancelledOnServer: 3,
      // Three timeouts opened the breaker; the fourth query never reached the database.
      rejectedWhileOpen: true,
      stateAfterSlowQueries: 'open',
      ignoredCalls: 5,
      failedCalls: 3,
    });
  });
});
