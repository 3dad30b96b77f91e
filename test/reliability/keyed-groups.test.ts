import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock/FakeClock.js';
import { BulkheadFullError } from '../../src/errors/BulkheadFullError.js';
import { CircuitBreakerRegistry } from '../../src/registry/CircuitBreakerRegistry.js';
import { KeyedBreakers } from '../../src/registry/KeyedBreakers.js';
import { deferred, flush } from '../support/flush.js';

// DESIGN section 3 and 11: a member with calls in flight is never evicted, for idleness or for the
// bound; the group may exceed `maxKeys` by its busy members and `groups()` reports it; its outcomes
// always reach the group's totals; a key's breaker never admits calls past `maxConcurrentCalls`
// because an older breaker for the same key was evicted while busy.

describe('keyed groups with calls in flight', () => {
  it('a busy member is never evicted for the bound: the group holds it beyond maxKeys and groups() says so', async () => {
    const registry = new CircuitBreakerRegistry();
    const group = registry.keyed('tenant', { maxKeys: 3 });
    const gates = Array.from({ length: 5 }, () => deferred<string>());
    // Each key gets a call in flight as it is created: from the fourth on the group is full.
    const calls: Promise<string>[] = [];
    const breakers = gates.map((gate, i) => {
      const breaker = group.get(`k${i}`);
      calls.push(breaker.call(() => gate.promise));
      return breaker;
    });
    for (let i = 0; i < 5; i++) expect(group.get(`k${i}`)).toBe(breakers[i]);
    expect(group.size).toBe(5);
    const [status] = registry.groups();
    expect(status).toMatchObject({ name: 'tenant', keys: 5, maxKeys: 3, busy: 5, overBound: 2 });

    for (const gate of gates) gate.resolve('done');
    await Promise.all(calls);
    // Back under the bound as new keys arrive: a few idle members go on each get.
    group.get('fresh');
    expect(group.size).toBeLessThanOrEqual(3);
    const after = group.status();
    expect(after).toMatchObject({ busy: 0, overBound: 0 });
    expect(after.totals.successfulCalls).toBe(5);
    expect(after.totals.totalCalls).toBe(5);
  });

  it('a busy member is never evicted for idleness', async () => {
    const clock = new FakeClock();
    const group = new KeyedBreakers('host', { clock, idleTtl: 1000 });
    const gate = deferred<string>();
    const busy = group.get('slow');
    const call = busy.call(() => gate.promise);
    clock.advance(5000);
    for (let i = 0; i < 10; i++) group.get(`other${i}`);
    expect(group.peek('slow')).toBe(busy);
    gate.resolve('late');
    await call;
    clock.advance(5000);
    for (let i = 0; i < 10; i++) group.get(`later${i}`);
    expect(group.peek('slow')).toBeUndefined(); // idle now: it goes
    expect(group.status().totals.successfulCalls).toBe(1);
  });

  it("a key's breaker never admits calls past maxConcurrentCalls because an older one was evicted while busy", async () => {
    const group = new KeyedBreakers('api', { maxKeys: 1, maxConcurrentCalls: 1 });
    const gate = deferred<string>();
    const first = group.get('a').call(() => gate.promise);
    group.get('b'); // the group is full: before, this evicted 'a' with its call in flight
    let ran = 0;
    await expect(
      group.get('a').call(async () => {
        ran++;
        return 'second';
      }),
    ).rejects.toBeInstanceOf(BulkheadFullError);
    expect(ran).toBe(0);
    gate.resolve('first');
    await expect(first).resolves.toBe('first');
  });

  it('every outcome of a churning group reaches its totals: more keys in flight than maxKeys, calls of every outcome', async () => {
    const group = new KeyedBreakers('churn', { maxKeys: 100, failureThreshold: 3, timeout: 50 });
    const clock = group.get('probe').options.clock;
    expect(clock).toBeDefined();
    const made = { success: 0, failure: 0 };
    const pending: Promise<unknown>[] = [];
    const gates: { resolve: (v: string) => void; reject: (e: unknown) => void }[] = [];
    for (let round = 0; round < 5; round++) {
      for (let k = 0; k < 250; k++) {
        const gate = deferred<string>();
        gates.push(gate);
        pending.push(
          group
            .get(`r${round}k${k}`)
            .call(() => gate.promise)
            .catch(() => undefined),
        );
      }
      expect(group.status().busy).toBeGreaterThanOrEqual(250);
      for (const [i, gate] of gates.splice(0).entries()) {
        if (i % 3 === 0) {
          gate.reject(new Error('down'));
          made.failure++;
        } else {
          gate.resolve('ok');
          made.success++;
        }
      }
      await Promise.all(pending.splice(0));
      await flush();
    }
    for (let i = 0; i < 300; i++) group.get(`idle${i}`); // churn the last busy ones out
    const { totals, keys, overBound } = group.status();
    expect(totals.successfulCalls).toBe(made.success);
    expect(totals.failedCalls).toBe(made.failure);
    expect(totals.totalCalls).toBe(made.success + made.failure);
    expect(keys).toBeLessThanOrEqual(100);
    expect(overBound).toBe(0);
  });

  it("delete() of a busy member: its calls still settle and still count in the group's totals", async () => {
    const group = new KeyedBreakers('tenant', {});
    const gate = deferred<string>();
    const breaker = group.get('a');
    const call = breaker.call(() => gate.promise);
    expect(group.delete('a')).toBe(true);
    expect(group.peek('a')).toBeUndefined();
    gate.resolve('ok');
    await expect(call).resolves.toBe('ok');
    expect(group.status().totals).toMatchObject({ successfulCalls: 1, totalCalls: 1 });
    expect(group.status().totals).toMatchObject({ successfulCalls: 1, totalCalls: 1 }); // retired once
  });
});
