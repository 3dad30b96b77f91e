import { describe, expect, it } from 'vitest';
import type { FleetStatus } from '../../store/StateStore.js';
import { fleetTable } from './fleetTable.js';

const NOW = 1_800_000_000_000;

function status(name: string, extra: Partial<FleetStatus> & Record<string, unknown> = {}): FleetStatus {
  return {
    name,
    state: 'closed',
    epoch: 1,
    reason: null,
    openedAt: null,
    retryAt: null,
    backoffAttempt: 0,
    windowCalls: 120,
    failures: 0,
    slowCalls: 0,
    failureRate: 0,
    slowCallRate: 0,
    instances: 3,
    ...extra,
  } as FleetStatus;
}

describe('fleetTable', () => {
  it('says why each breaker that is not closed refuses calls or tests recovery, who decided, and what its window holds', () => {
    const text = fleetTable(
      [
        status('inventory'),
        status('payment-api', {
          state: 'open',
          reason: 'failure_threshold',
          retryAt: NOW + 54_900,
          windowCalls: 40,
          failures: 17,
          failureRate: 17 / 40,
          slowCalls: 4,
          slowCallRate: 0.1,
          openedBy: 'web-2',
        }),
        status('search', { state: 'forced_open', reason: 'force_open', windowCalls: 0 }),
        status('email', {
          state: 'half_open',
          reason: 'reset_timeout',
          windowCalls: 3,
          failures: 3,
          failureRate: 1,
        }),
      ],
      false,
      'shop',
      NOW,
    );
    expect(text).toBe(
      [
        'NAME         STATE        FAILURE RATE  CALLS  INSTANCES     RETRY IN',
        'inventory    closed               0.0%    120          3            -',
        'payment-api  open                42.5%     40          3        54.9s',
        'search       forced_open          0.0%      0          3  until reset',
        'email        half_open          100.0%      3          3            -',
        '',
        'payment-api  open: too many failures in a row (decided by web-2); 17 of 40 calls failed (42.5%), 4 slow (10.0%)',
        'search       forced_open: forced open by an operator; no calls in the shared window',
        'email        half_open: its open period ended: testing recovery; 3 of 3 calls failed (100.0%)',
        '',
      ].join('\n'),
    );
  });

  it('is the table alone while every breaker is closed', () => {
    expect(fleetTable([status('inventory')], false, 'shop', NOW)).toBe(
      'NAME       STATE   FAILURE RATE  CALLS  INSTANCES  RETRY IN\ninventory  closed          0.0%    120          3         -\n',
    );
  });
});
