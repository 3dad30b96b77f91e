import * as breakwater from '../../src/index.js';
import { CircuitBreaker, type CircuitBreakerOptions } from '../../src/index.js';
import type { Variant } from './Variant.js';

/** The adaptive-protection options (DESIGN section 10) a variant may need. */
export type Feature = 'adaptive' | 'throttle' | 'probe' | 'limit' | 'budget';

/** The least options that use each feature, with its defaults. */
const MINIMAL: Record<Exclude<Feature, 'budget'>, Record<string, unknown>> = {
  adaptive: { failureRateThreshold: { adaptive: true } },
  throttle: { throttle: true },
  probe: { probe: async () => undefined },
  limit: { maxConcurrentCalls: { adaptive: true } },
};

/** The option each feature is configured by, for the reports. */
export const FEATURE_OPTION: Record<Feature, string> = {
  adaptive: 'failureRateThreshold: { adaptive: true }',
  throttle: 'throttle',
  probe: 'probe',
  limit: 'maxConcurrentCalls: { adaptive: true }',
  budget: 'retry({ budget })',
};

const known = new Map<Feature, boolean>();

/**
 * Whether this build of breakwater accepts some options: a breaker with them can be built (an
 * unknown option, or a value the build does not accept, is a TypeError at construction).
 * @param options - Breaker options, possibly of features this build does not have.
 * @returns `true` when the options are accepted.
 * @throws Whatever the constructor throws that is not a TypeError (a bug worth seeing).
 */
export function acceptsOptions(options: Readonly<Record<string, unknown>>): boolean {
  try {
    // Options of features this build may not have are not in its types.
    new CircuitBreaker(options as CircuitBreakerOptions).dispose();
    return true;
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
}

/**
 * Whether this build of breakwater has a feature (its least options are accepted).
 * @param feature - The feature.
 * @returns `true` when it is available.
 */
export function hasFeature(feature: Feature): boolean {
  let available = known.get(feature);
  if (available === undefined) {
    // The retry budget is a class of its own, not a breaker option.
    available = feature === 'budget' ? 'RetryBudget' in breakwater : acceptsOptions(MINIMAL[feature]);
    known.set(feature, available);
  }
  return available;
}

/**
 * The features a variant needs that this build does not have.
 * @param variant - The variant.
 * @returns The missing features, empty when the variant can run.
 */
export function missingFeatures(variant: Variant): Feature[] {
  return variant.requires.filter((feature) => !hasFeature(feature));
}
