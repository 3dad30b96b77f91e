import { describe, expect, it } from 'vitest';
import { soakBreaker, soakKeyed } from './soak/soak.js';

// The short soak (`npm run soak` runs the long one and prints figures; see RELIABILITY.md): calls of
// every outcome (success, failure, timeout, ignored, refused, fallback, caller abort), hundreds in
// flight at once, through one breaker and through a keyed group that churns with more keys busy at
// once than its maxKeys. The counts must be exact, nothing left in flight, and the heap flat.

/** Heap growth allowed between the warm-up and the end, after a full GC (the runs make 10^5 calls). */
const HEAP_SLACK = 4 * 1024 * 1024;

describe('soak (short)', () => {
  it('one breaker: every outcome, 200 in flight per wave, counts exact, inFlight 0, heap flat', async () => {
    const result = await soakBreaker({ calls: 60_000, wave: 200, seed: 7 });
    expect(result.reported).toEqual(result.made);
    expect(result.made.totalCalls).toBe(60_000);
    for (const count of Object.values(result.made)) expect(count).toBeGreaterThan(0);
    expect(result.transitions).toBeGreaterThan(10);
    expect(result.inFlightAtEnd).toBe(0);
    expect(result.heapEnd - result.heapStart).toBeLessThan(HEAP_SLACK);
  }, 60_000);

  it('a churning keyed group: more keys busy at once than maxKeys, counts exact, none busy at the end, heap flat', async () => {
    const result = await soakKeyed({ calls: 40_000, wave: 400, maxKeys: 100, keySpace: 300, seed: 11 });
    expect(result.reported).toEqual(result.made);
    for (const count of Object.values(result.made)) expect(count).toBeGreaterThan(0);
    expect(result.keyed?.busiest).toBeGreaterThan(100); // beyond maxKeys, by its busy members
    expect(result.keyed?.largest).toBeLessThanOrEqual(100 + 200 + 20); // maxKeys + the busy ones
    expect(result.keyed?.atEnd).toBeLessThanOrEqual(100);
    expect(result.inFlightAtEnd).toBe(0);
    expect(result.heapEnd - result.heapStart).toBeLessThan(HEAP_SLACK);
  }, 60_000);
});
