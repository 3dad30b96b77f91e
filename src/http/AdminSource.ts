import type { DashboardItem, DashboardTransition } from './protocol.js';
import type { ControlCommand } from './routes.js';
import type { AdminView, BreakerList } from './views.js';

/** @internal What `control` did. */
export type ControlOutcome =
  | { readonly kind: 'done'; readonly view: AdminView | undefined }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'unsupported'; readonly message: string };

/**
 * @internal Where the endpoints and the dashboard get their breakers: a registry (one process) or a
 * store's admin interface (a fleet). The endpoints, the event stream and the page are the same for
 * both; only this differs.
 */
export interface AdminSource {
  /** What the dashboard shows: one process's breakers, or a fleet's. */
  readonly scope: 'instance' | 'fleet';
  /** The body of `GET /health`, and whether it is a 503. */
  health(): Promise<{ readonly unhealthy: boolean; readonly body: unknown }>;
  /** @param reveal - Whether the request carries the token (`lastError` is shown). */
  list(reveal: boolean): Promise<BreakerList>;
  /** A breaker, a keyed member (`<group>:<key>`) or a group, by name. */
  find(name: string, reveal: boolean): Promise<AdminView | undefined>;
  /** Manual control. `openFor` only for `open`. */
  control(name: string, command: ControlCommand, openFor: number | undefined): Promise<ControlOutcome>;
  /**
   * Starts following transitions for an event stream, until the returned function is called. A
   * source may report transitions from `sample()` (a fleet's, seen by polling) rather than at once.
   */
  watch(onTransition: (transition: DashboardTransition) => void): () => void;
  /**
   * One tick's figures. Per-tick figures are differences from the previous sample taken while
   * watching. May reject (a store out of reach); the stream then repeats the last items.
   */
  sample(): Promise<readonly DashboardItem[]>;
}
