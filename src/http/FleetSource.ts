import type { CircuitState } from '../CircuitState.js';
import type { FleetCommand, FleetStatus, StoreAdmin } from '../store/StateStore.js';
import type { AdminSource, ControlOutcome } from './AdminSource.js';
import type { DashboardItem, DashboardTransition } from './protocol.js';
import type { ControlCommand } from './routes.js';
import { type AdminView, type BreakerList, fleetView } from './views.js';

const COMMANDS: Readonly<Record<ControlCommand, FleetCommand>> = {
  open: 'open',
  'force-open': 'force_open',
  'force-close': 'force_close',
  reset: 'reset',
};

/**
 * @internal The endpoints' view of a fleet: the shared state of every breaker a store knows
 * (`StoreAdmin.list()`), controlled fleet-wide (`StoreAdmin.control()`), with no breaker bound and
 * no application instance involved. A store publishes no events to an admin: transitions are
 * seen by comparing each sample's states with the previous one's. Latency stays per instance (the
 * store holds none), and calls per tick are not known (the store keeps a sliding window).
 */
export class FleetSource implements AdminSource {
  readonly scope = 'fleet';
  readonly #admin: StoreAdmin;
  readonly #wallNow: () => number;
  #onTransition: ((transition: DashboardTransition) => void) | undefined = undefined;
  readonly #states = new Map<string, CircuitState>();

  /**
   * @param admin - The store's admin interface.
   * @param wallNow - Epoch ms, to turn the store's `retryAt` into a countdown.
   */
  constructor(admin: StoreAdmin, wallNow: () => number = Date.now) {
    this.#admin = admin;
    this.#wallNow = wallNow;
  }

  async health(): Promise<{ unhealthy: boolean; body: unknown }> {
    let statuses: FleetStatus[];
    try {
      statuses = await this.#admin.list();
    } catch {
      // The message may name the store's address: it stays in the server's log.
      return { unhealthy: true, body: { status: 'unhealthy', error: 'The store could not be read' } };
    }
    let degraded = false;
    const breakers: Record<string, unknown> = Object.create(null);
    for (const status of statuses) {
      if (status.state === 'open' || status.state === 'half_open' || status.state === 'forced_open') {
        degraded = true;
      }
      breakers[status.name] = {
        state: status.state,
        failureCount: status.failures,
        failureRate: status.failureRate,
        instances: status.instances,
      };
    }
    return { unhealthy: false, body: { status: degraded ? 'degraded' : 'healthy', breakers } };
  }

  async list(): Promise<BreakerList> {
    return { breakers: (await this.#admin.list()).map(fleetView), groups: [] };
  }

  async find(name: string): Promise<AdminView | undefined> {
    const status = (await this.#admin.list()).find((candidate) => candidate.name === name);
    return status === undefined ? undefined : fleetView(status);
  }

  async control(name: string, command: ControlCommand, openFor: number | undefined): Promise<ControlOutcome> {
    if ((await this.find(name)) === undefined) return { kind: 'not_found' };
    await this.#admin.control(name, COMMANDS[command], openFor);
    return { kind: 'done', view: await this.find(name) };
  }

  watch(onTransition: (transition: DashboardTransition) => void): () => void {
    this.#onTransition = onTransition;
    return () => {
      if (this.#onTransition === onTransition) this.#onTransition = undefined;
      this.#states.clear();
    };
  }

  async sample(): Promise<readonly DashboardItem[]> {
    const statuses = await this.#admin.list();
    const now = this.#wallNow();
    const seen = new Set<string>();
    const items = statuses.map((status): DashboardItem => {
      seen.add(status.name);
      const before = this.#states.get(status.name);
      this.#states.set(status.name, status.state);
      if (before !== undefined && before !== status.state) {
        this.#onTransition?.({
          name: status.name,
          from: before,
          to: status.state,
          reason: status.reason ?? 'remote',
          at: now,
        });
      }
      return {
        name: status.name,
        kind: 'breaker',
        state: status.state,
        critical: false,
        rate: null,
        errorRate: null,
        rejected: null,
        failureRate: status.failureRate,
        windowCalls: status.windowCalls,
        failures: status.failures,
        slowCallRate: status.slowCallRate,
        consecutiveFailures: null,
        openReason: refuses(status.state) ? status.reason : null,
        openedBy: refuses(status.state) ? openedByOf(status) : null,
        p50: null,
        p99: null,
        retryIn:
          status.state === 'open' && status.retryAt !== null
            ? Math.max(0, Math.round(status.retryAt - now))
            : null,
        inFlight: null,
        reason: status.reason,
        instances: status.instances,
      };
    });
    for (const name of this.#states.keys()) if (!seen.has(name)) this.#states.delete(name);
    return items;
  }
}

/** Whether a fleet state refuses calls (its figures and reason then say why). */
function refuses(state: CircuitState): boolean {
  return state === 'open' || state === 'forced_open';
}

/**
 * The instance whose decision opened the fleet, for a store that reports it (`FleetStatus.openedBy`,
 * added by stores that know it); `null` otherwise.
 */
function openedByOf(status: FleetStatus): string | null {
  const openedBy = (status as FleetStatus & { readonly openedBy?: unknown }).openedBy;
  return typeof openedBy === 'string' ? openedBy : null;
}
