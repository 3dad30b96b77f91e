import type { CircuitState, FleetCommand, FleetStatus, StoreAdmin } from 'breakwater';

/**
 * A small StoreAdmin, as a user would write one over their own store: breakers by name, control
 * recorded and applied. `unreachable` makes every call reject, with a secret in the message.
 */
export class TestFleet implements StoreAdmin {
  readonly breakers = new Map<string, FleetStatus>();
  readonly commands: Array<[string, FleetCommand, number | undefined]> = [];
  unreachable = false;

  add(name: string, state: CircuitState, extra: Partial<FleetStatus> = {}): void {
    this.breakers.set(name, {
      name,
      state,
      epoch: 1,
      reason: null,
      openedAt: null,
      retryAt: null,
      backoffAttempt: 0,
      windowCalls: 200,
      failures: 10,
      slowCalls: 0,
      failureRate: 0.05,
      slowCallRate: 0,
      instances: 3,
      ...extra,
    });
  }

  async list(): Promise<FleetStatus[]> {
    if (this.unreachable) throw new Error('connect ECONNREFUSED redis://:hunter2@10.1.2.3:6379');
    return [...this.breakers.values()];
  }

  async control(name: string, command: FleetCommand, openFor?: number): Promise<void> {
    if (this.unreachable) throw new Error('connect ECONNREFUSED redis://:hunter2@10.1.2.3:6379');
    const status = this.breakers.get(name);
    if (status === undefined) throw new Error(`no instance has ${name}`);
    this.commands.push([name, command, openFor]);
    const state: CircuitState =
      command === 'open'
        ? 'open'
        : command === 'force_open'
          ? 'forced_open'
          : command === 'force_close'
            ? 'forced_closed'
            : 'closed';
    const retryAt = command === 'open' ? Date.now() + (openFor ?? 60_000) : null;
    this.add(name, state, {
      epoch: status.epoch + 1,
      reason: command === 'open' ? 'manual_open' : null,
      retryAt,
    });
  }
}
