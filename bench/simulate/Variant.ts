import type { RetryBudgetOptions } from '../../src/index.js';
import type { Feature } from './features.js';

/**
 * Clients that retry a failed call (a timeout, an error, a busy answer, a refusal by the concurrency
 * limit; never a refusal of an open or throttling breaker, as `retry()` does), each wait random in
 * [0, `delay` × 2^(n−1)] (full jitter).
 */
export interface RetryModel {
  /** Attempts per client call, the first included. */
  readonly maxAttempts: number;
  /** Ms before the first retry, doubled for each next one (full jitter). */
  readonly delay: number;
  /** The options of one `RetryBudget` all clients share; `undefined`: no budget. */
  readonly budget: Omit<RetryBudgetOptions, 'clock'> | undefined;
}

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
  /** Whether, and how, clients retry. @default no retries */
  readonly retry?: RetryModel;
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

/** The fixed rule plus the adaptive concurrency limit with its defaults. */
export const limit: Variant = {
  id: 'fixed + limit',
  label: '`failureRateThreshold: 0.5, maxConcurrentCalls: { adaptive: true }`',
  options: { failureRateThreshold: 0.5, maxConcurrentCalls: { adaptive: true } },
  probe: false,
  requires: ['limit'],
};

/**
 * The fixed rule plus a fixed bulkhead.
 * @param max - `maxConcurrentCalls`.
 * @returns The variant `fixed + max <max>`.
 */
export function bulkhead(max: number): Variant {
  return {
    id: `fixed + max ${max}`,
    label: `\`failureRateThreshold: 0.5, maxConcurrentCalls: ${max}\``,
    options: { failureRateThreshold: 0.5, maxConcurrentCalls: max },
    probe: false,
    requires: [],
  };
}

/** The clients of the retry-storm scenario: 3 retries, from 100 ms. */
const RETRIES = { maxAttempts: 4, delay: 100 } as const;

/** Clients that call once (the retry storm's baseline). */
export const noRetries: Variant = { ...noBreaker, id: 'no retries', label: 'no breaker, no retries' };

/** Clients that retry 3 times, without a budget or a breaker. */
export const retries: Variant = {
  ...noBreaker,
  id: 'retries',
  label: '`retry({ maxAttempts: 4 })`, no breaker',
  retry: { ...RETRIES, budget: undefined },
};

/** Clients that retry 3 times through one shared `RetryBudget` with its defaults, without a breaker. */
export const retriesBudget: Variant = {
  ...noBreaker,
  id: 'retries + budget',
  label: '`retry({ maxAttempts: 4, budget: new RetryBudget() })`, no breaker',
  requires: ['budget'],
  retry: { ...RETRIES, budget: {} },
};

/** Retries with a budget, through the fixed rule with the adaptive limit. */
export const limitRetriesBudget: Variant = {
  ...limit,
  id: 'limit + retries + budget',
  label: 'the same retries and budget through `fixed + limit`',
  requires: ['limit', 'budget'],
  retry: { ...RETRIES, budget: {} },
};
