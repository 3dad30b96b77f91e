import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../CircuitBreaker.js';
import type { CircuitBreakerOptions } from '../../options.js';
import type { FleetHarness, HarnessOptions } from './FleetHarness.js';

/** Rejects a call after it ran: the dependency failed. */
const fail = (): Promise<never> => Promise.reject(new Error('dependency down'));
const succeed = (): Promise<string> => Promise.resolve('ok');
let names = 0;

/**
 * The store contract: the fleet semantics of DESIGN section 5, run against any store through a
 * {@link FleetHarness}. `MemoryStore` runs it on a `FakeClock`, `RedisStore` against a real Redis in
 * real time (durations are short and every wait polls with a generous deadline).
 * @param label - The store's name in the test report.
 * @param create - Makes a fresh fleet (a new namespace) for one test.
 */
export function storeContract(
  label: string,
  create: (options: HarnessOptions) => Promise<FleetHarness>,
): void {
  describe(`${label}: the store contract`, () => {
    let harness: FleetHarness | undefined;
    let breakers: CircuitBreaker[] = [];

    afterEach(async () => {
      for (const breaker of breakers) breaker.dispose();
      breakers = [];
      await harness?.close();
      harness = undefined;
    });

    /** A fleet of `count` instances, each with one breaker of the same name. */
    async function fleet(count: number, options: CircuitBreakerOptions, harnessOptions: HarnessOptions = {}) {
      const h = await create(harnessOptions);
      harness = h;
      const name = `contract-${++names}`;
      const members = Array.from(
        { length: count },
        () => new CircuitBreaker({ ...options, name, clock: h.clock, store: h.instance() }),
      );
      breakers.push(...members);
      return { h, name, members };
    }

    it('an open on one instance is seen by every instance, with the same deadline', async () => {
      const { h, members } = await fleet(3, { failureThreshold: 3 });
      const [a, b, c] = members as [CircuitBreaker, CircuitBreaker, CircuitBreaker];
      a.open(60_000);
      await h.until(() => b.state === 'open' && c.state === 'open', 'b and c open');
      const error = await b.call(succeed).catch((e: { retryAfter: number }) => e);
      expect((error as { retryAfter: number }).retryAfter).toBeGreaterThan(55_000);
      expect((error as { retryAfter: number }).retryAfter).toBeLessThanOrEqual(60_000);
    });

    it('failures spread too thinly for any instance to trip add up to a fleet-wide failure rate', async () => {
      const { h, name, members } = await fleet(3, {
        failureRateThreshold: 0.5,
        minimumCalls: 6,
        window: { type: 'time', duration: 20_000, buckets: 10 },
      });
      for (const breaker of members) {
        await breaker.call(succeed);
        await breaker.call(fail).catch(() => {});
        expect(breaker.metrics().windowCalls).toBe(2); // far below minimumCalls locally
      }
      await h.until(() => members.every((breaker) => breaker.state === 'open'), 'every instance open');
      const [status] = (await h.admin.list()).filter((entry) => entry.name === name);
      // While open, the fleet's figures are the counts that opened it.
      expect(status).toMatchObject({
        state: 'open',
        reason: 'failure_rate',
        instances: 3,
        windowCalls: 6,
        failures: 3,
      });
    });

    it('consecutive failures count across the fleet since the last success any instance reported', async () => {
      const { h, members } = await fleet(3, { failureThreshold: 3 });
      const [a, b, c] = members as [CircuitBreaker, CircuitBreaker, CircuitBreaker];
      for (const step of [() => a.call(fail), () => b.call(fail), () => c.call(succeed)]) {
        await step().catch(() => {});
        await h.sync();
      }
      expect(members.map((breaker) => breaker.state)).toEqual(['closed', 'closed', 'closed']);
      for (const breaker of [a, b, c]) {
        await breaker.call(fail).catch(() => {});
        await h.sync();
      }
      await h.until(() => members.every((breaker) => breaker.state === 'open'), 'every instance open');
    });

    it('at most halfOpenMaxCalls trials run at once across the fleet, and successThreshold of them close it for all', async () => {
      const { h, members } = await fleet(3, {
        failureThreshold: 1,
        resetTimeout: 300,
        halfOpenMaxCalls: 1,
        successThreshold: 2,
        halfOpenTimeout: 10_000,
      });
      await members[0]!.call(fail).catch(() => {});
      await h.until(() => members.every((breaker) => breaker.state === 'open'), 'every instance open');
      let running = 0;
      let most = 0;
      let trials = 0;
      const finish: Array<() => void> = [];
      const trial = (): Promise<string> => {
        running++;
        trials++;
        most = Math.max(most, running);
        return new Promise((resolve) =>
          finish.push(() => {
            running--;
            resolve('ok');
          }),
        );
      };
      await h.until(async () => {
        // Every instance keeps calling while a trial may be in flight.
        for (const breaker of members) {
          // Trials are the calls admitted while half-open; once closed, calls are not trials.
          void breaker.call(breaker.state === 'half_open' ? trial : succeed).catch(() => {});
        }
        await Promise.resolve();
        for (const done of finish.splice(0)) done();
        return members.every((breaker) => breaker.state === 'closed');
      }, 'the fleet closes after successful trials');
      expect(most).toBe(1);
      expect(trials).toBeGreaterThanOrEqual(2);
    });

    it('a failed trial re-opens the breaker for the whole fleet, and the backoff grows for all', async () => {
      const { h, name, members } = await fleet(2, {
        failureThreshold: 1,
        resetTimeout: 400,
        backoff: { multiplier: 10, max: 100_000 },
        halfOpenTimeout: 10_000,
      });
      const [a, b] = members as [CircuitBreaker, CircuitBreaker];
      await a.call(fail).catch(() => {});
      await h.until(() => b.state === 'open', 'b open');
      await h.until(async () => {
        for (const breaker of members) await breaker.call(fail).catch(() => {});
        const status = (await h.admin.list()).find((entry) => entry.name === name);
        return status?.backoffAttempt === 2;
      }, 'a trial failed and the fleet re-opened');
      await h.until(() => a.state === 'open' && b.state === 'open', 'both open again');
      const error = (await b.call(succeed).catch((e: unknown) => e)) as { retryAfter: number };
      expect(error.retryAfter).toBeGreaterThan(2_000); // 4 s, not 400 ms
    });

    it('manual control on one instance applies to every instance, a reset clearing their counts', async () => {
      const { h, members } = await fleet(2, { failureThreshold: 5 });
      const [a, b] = members as [CircuitBreaker, CircuitBreaker];
      await a.call(fail).catch(() => {});
      b.forceOpen();
      await h.until(() => a.state === 'forced_open', 'a forced open');
      b.forceClose();
      await h.until(() => a.state === 'forced_closed', 'a forced closed');
      b.reset();
      await h.until(() => a.state === 'closed' && a.metrics().totalCalls === 0, 'a reset');
      a.open(30_000);
      await h.until(() => b.state === 'open', 'b open');
    });

    it('the admin interface lists the fleet and controls it; controlling an unknown breaker is an error', async () => {
      const { h, name, members } = await fleet(2, { failureThreshold: 10 });
      const [a, b] = members as [CircuitBreaker, CircuitBreaker];
      await a.call(succeed);
      await b.call(fail).catch(() => {});
      await b.call(succeed);
      await h.sync();
      await h.until(async () => {
        const status = (await h.admin.list()).find((entry) => entry.name === name);
        return status?.windowCalls === 3;
      }, 'the fleet counts three calls');
      const status = (await h.admin.list()).find((entry) => entry.name === name);
      expect(status).toMatchObject({ state: 'closed', windowCalls: 3, failures: 1, instances: 2 });
      expect(status?.failureRate).toBeCloseTo(1 / 3);
      await h.admin.control(name, 'open', 20_000);
      await h.until(() => a.state === 'open' && b.state === 'open', 'both open');
      const open = (await h.admin.list()).find((entry) => entry.name === name);
      expect(open?.state).toBe('open');
      expect(open?.retryAt).toBeGreaterThan(Date.now() - 60_000);
      await h.admin.control(name, 'force_close');
      await h.until(() => a.state === 'forced_closed' && b.state === 'forced_closed', 'both forced closed');
      await h.admin.control(name, 'reset');
      await h.until(() => a.state === 'closed' && b.state === 'closed', 'both closed');
      await expect(h.admin.control(`${name}-nobody`, 'force_open')).rejects.toThrow(/No instance/);
    });

    it('open → half_open follows the shared deadline and raises no epoch', async () => {
      const { h, name, members } = await fleet(2, { failureThreshold: 1, resetTimeout: 300 });
      await members[0]!.call(fail).catch(() => {});
      await h.until(() => members[1]!.state === 'open', 'b open');
      const opened = (await h.admin.list()).find((entry) => entry.name === name)!;
      await h.until(() => members.every((breaker) => breaker.state === 'half_open'), 'both half-open');
      await h.until(async () => {
        const status = (await h.admin.list()).find((entry) => entry.name === name);
        return status?.state === 'half_open';
      }, 'the fleet half-open');
      const half = (await h.admin.list()).find((entry) => entry.name === name)!;
      expect(half.epoch).toBe(opened.epoch);
    });

    it('when the lease holder goes away, another instance runs the trial', async () => {
      const { h, members } = await fleet(2, {
        failureThreshold: 1,
        resetTimeout: 300,
        halfOpenTimeout: 1_000,
      });
      const [a, b] = members as [CircuitBreaker, CircuitBreaker];
      await a.call(fail).catch(() => {});
      await h.until(() => b.state === 'open', 'b open');
      let hung = 0;
      await h.until(async () => {
        void a
          .call(() => {
            hung++;
            return new Promise(() => {}); // never settles
          })
          .catch(() => {});
        await Promise.resolve();
        return hung > 0;
      }, 'a runs a trial');
      a.dispose();
      await h.until(async () => {
        await b.call(succeed).catch(() => {});
        return b.state === 'closed';
      }, 'b runs a trial and closes');
    });

    it('dispose releases the binding: the fleet counts one instance fewer', async () => {
      const { h, name, members } = await fleet(2, { failureThreshold: 3 });
      await h.sync();
      const count = async () => (await h.admin.list()).find((entry) => entry.name === name)?.instances;
      await h.until(async () => (await count()) === 2, 'two instances');
      members[1]!.dispose();
      await h.until(async () => (await count()) === 1, 'one instance');
    });

    describe('quorum', () => {
      const options: CircuitBreakerOptions = {
        failureThreshold: 2,
        window: { type: 'time', duration: 30_000, buckets: 10 },
      };

      it('one sick instance does not open the breaker for the others; the quorum does', async () => {
        const { h, name, members } = await fleet(3, options, { quorum: 2 });
        const [a, b, c] = members as [CircuitBreaker, CircuitBreaker, CircuitBreaker];
        await a.call(fail).catch(() => {});
        await a.call(fail).catch(() => {});
        expect(a.state).toBe('open');
        await h.sync();
        expect([b.state, c.state]).toEqual(['closed', 'closed']);
        expect((await h.admin.list()).find((entry) => entry.name === name)?.state).toBe('closed');
        await b.call(fail).catch(() => {});
        await b.call(fail).catch(() => {});
        await h.until(() => c.state === 'open', 'the second trip opens the fleet');
        expect((await h.admin.list()).find((entry) => entry.name === name)?.state).toBe('open');
      });

      it('K instances with one failure each are not enough', async () => {
        const { h, name, members } = await fleet(3, options, { quorum: 2 });
        for (const breaker of members) await breaker.call(fail).catch(() => {});
        await h.sync();
        expect(members.map((breaker) => breaker.state)).toEqual(['closed', 'closed', 'closed']);
        const status = (await h.admin.list()).find((entry) => entry.name === name);
        expect(status).toMatchObject({ state: 'closed', failures: 3 });
      });

      it('a locally tripped instance recovers on its own round, without a lease', async () => {
        const { h, members } = await fleet(2, { ...options, resetTimeout: 300 }, { quorum: 2 });
        const [a, b] = members as [CircuitBreaker, CircuitBreaker];
        await a.call(fail).catch(() => {});
        await a.call(fail).catch(() => {});
        await h.sync();
        await h.until(async () => {
          await a.call(succeed).catch(() => {});
          return a.state === 'closed';
        }, 'a closes on its own trial');
        expect(b.state).toBe('closed');
      });
    });
  });
}
