import type { Claim } from './claims.js';
import type { Condition, DependencyModel } from './Dependency.js';
import type { Timeline } from './measures.js';
import { Random, streamSeed } from './Random.js';
import type { Variant } from './Variant.js';

/** The random stream of a fault's seeded end (simulate.ts draws from streams 0 to 2). */
const FAULT_END = 8;

/** A fault of the dependency, active in [start, end) ms of simulated time. */
export interface Fault {
  /** `outage`: down, no answer at all; `brownout`: capacity drops to `capacity`. */
  readonly kind: 'outage' | 'brownout';
  readonly start: number;
  readonly end: number;
  /** The capacity during a brown-out, as a share of normal. */
  readonly capacity?: number;
  /**
   * Ms by which each seed's fault ends later, drawn uniformly in [0, endJitter) (the same draw for
   * every variant of the seed): a breaker that opens and closes through the fault is then caught
   * at any point of its cycle when the fault ends, not at the same point on every seed. @default 0
   */
  readonly endJitter?: number;
}

/** One scenario: the traffic, the dependency, its fault, and the variants compared on it. */
export interface Scenario extends Timeline {
  readonly id: string;
  readonly title: string;
  /** What happens, as a markdown paragraph. */
  readonly summary: string;
  /** Client calls per second (Poisson arrivals, open loop: clients do not slow down). */
  readonly rate: number;
  /** Ms after which a client gives up on a call (a timeout, a failure). */
  readonly clientTimeout: number;
  readonly model: DependencyModel;
  /** The dependency's normal error rate. */
  readonly errorRate: number;
  readonly fault?: Fault | undefined;
  /** Options every breaker variant of the scenario shares. */
  readonly breaker: Readonly<Record<string, unknown>>;
  readonly variants: readonly Variant[];
  /** What each feature is meant to buy here, checked against the results. */
  readonly claims: readonly Claim[];
}

/**
 * The dependency's condition over a scenario: normal, or the fault's while it is active.
 * @param scenario - The scenario.
 * @returns `conditionAt(t)`, which allocates nothing.
 */
export function conditions(scenario: Scenario): (time: number) => Condition {
  const normal: Condition = { down: false, capacity: 1, errorRate: scenario.errorRate };
  const fault = scenario.fault;
  if (fault === undefined) return () => normal;
  const faulty: Condition =
    fault.kind === 'outage'
      ? { down: true, capacity: 1, errorRate: scenario.errorRate }
      : { down: false, capacity: fault.capacity ?? 1, errorRate: scenario.errorRate };
  return (time) => (time >= fault.start && time < fault.end ? faulty : normal);
}

/**
 * Whether the scenario's fault is active at `time`.
 * @param scenario - The scenario.
 * @param time - Ms of simulated time.
 * @returns `true` during the fault.
 */
export function faultActive(scenario: Scenario, time: number): boolean {
  const fault = scenario.fault;
  return fault !== undefined && time >= fault.start && time < fault.end;
}

/**
 * The scenario as one seed runs it: with a fault's `endJitter`, the fault ends later by a draw of
 * the seed's own stream.
 * @param scenario - The scenario.
 * @param seed - The run's seed.
 * @returns The scenario itself, or a copy with the fault's end moved.
 */
export function forSeed(scenario: Scenario, seed: number): Scenario {
  const fault = scenario.fault;
  if (fault?.endJitter === undefined) return scenario;
  const end = fault.end + new Random(streamSeed(seed, FAULT_END)).next() * fault.endJitter;
  return { ...scenario, fault: { ...fault, end } };
}
