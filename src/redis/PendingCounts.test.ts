import { describe, expect, it } from 'vitest';
import { PendingCounts } from './PendingCounts.js';

describe('PendingCounts (the flush buffer)', () => {
  it('counts per (epoch, bucket) slot and takes them as one report', () => {
    const pending = new PendingCounts();
    pending.add(false, false, 3, 100);
    pending.add(true, true, 3, 100);
    pending.add(true, false, 3, 101); // the next bucket
    pending.add(false, false, 4, 101); // a new epoch
    const report = pending.take(7, 4);
    expect(report).toMatchObject({ seq: 7, epoch: 4, calls: 4, failures: 2 });
    expect(report.slots).toEqual([3, 100, 2, 1, 1, 3, 101, 1, 1, 0, 4, 101, 1, 0, 0]);
    expect(pending.take(8, 4)).toMatchObject({ calls: 0, slots: [] });
  });

  it('keeps the failure run: failures before the first success, after the last one', () => {
    const pending = new PendingCounts();
    for (const failure of [true, true, false, true, false, true, true, true])
      pending.add(failure, false, 1, 5);
    expect(pending.take(1, 1)).toMatchObject({ leading: 2, hadSuccess: true, trailing: 3, failures: 6 });
    for (let i = 0; i < 4; i++) pending.add(true, false, 1, 5);
    expect(pending.take(2, 1)).toMatchObject({ leading: 4, hadSuccess: false, trailing: 4 });
  });

  it('is bounded: with every slot taken, later outcomes merge into the last one and ask for a flush', () => {
    const pending = new PendingCounts();
    for (let bucket = 0; bucket < 6; bucket++) pending.add(true, false, 1, bucket);
    expect(pending.full).toBe(true);
    const report = pending.take(1, 1);
    expect(report.slots).toHaveLength(4 * 5);
    expect(report.calls).toBe(6);
    expect(report.slots.at(-3)).toBe(3); // the last slot holds the three that arrived once full
    expect(pending.full).toBe(false);
  });
});
