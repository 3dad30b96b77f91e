import type { Feature } from './features.js';

/**
 * One way of protecting the client: no breaker, or a breaker with some options. Every variant of a
 * scenario sees the same traffic and the same dependency.
 */
export interface Variant {
  /** Short name, also the breaker's `name`. */
  readonly id: string;
  /** The options that make it, as markdown (for the tables). */
  readonly label: string;
  /** Options added to the scenario's shared breaker options; `undefined`: no breaker at all. */
  readonly options: Readonly<Record<string, unknown>> | undefined;
  /** Whether the breaker gets a `probe` that sends one request to the dependency. */
  readonly probe: boolean;
  /** The options of this build it needs; without them it is reported as pending. */
  readonly requires: readonly Feature[];
}

/** No breaker: every call goes to the dependency. */
export const noBreaker: Variant = {
  id: 'no breaker',
  label: 'every call goes to the dependency',
  options: undefined,
  probe: false,
  requires: [],
};

/** The classic fixed rule. */
export const fixed: Variant = {
  id: 'fixed',
  label: '`failureRateThreshold: 0.5`',
  options: { failureRateThreshold: 0.5 },
  probe: false,
  requires: [],
};

/** The adaptive failure-rate rule with its defaults. */
export const adaptive: Variant = {
  id: 'adaptive',
  label: '`failureRateThreshold: { adaptive: true }`',
  options: { failureRateThreshold: { adaptive: true } },
  probe: false,
  requires: ['adaptive'],
};

/** The fixed rule plus client-side throttling with its defaults. */
export const throttle: Variant = {
  id: 'throttle',
  label: '`failureRateThreshold: 0.5, throttle: true`',
  options: { failureRateThreshold: 0.5, throttle: true },
  probe: false,
  requires: ['throttle'],
};

/** The adaptive rule plus throttling. */
export const adaptiveThrottle: Variant = {
  id: 'adaptive + throttle',
  label: '`failureRateThreshold: { adaptive: true }, throttle: true`',
  options: { failureRateThreshold: { adaptive: true }, throttle: true },
  probe: false,
  requires: ['adaptive', 'throttle'],
};

/** The fixed rule, recovering through a probe instead of live traffic. */
export const fixedProbe: Variant = {
  id: 'fixed + probe',
  label: '`failureRateThreshold: 0.5, probe`',
  options: { failureRateThreshold: 0.5 },
  probe: true,
  requires: ['probe'],
};
