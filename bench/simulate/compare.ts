import { type Feature, missingFeatures } from './features.js';
import { type Measures, measure } from './measures.js';
import { forSeed, type Scenario } from './Scenario.js';
import { simulate } from './simulate.js';
import { type Summary, summarize } from './summary.js';
import type { Variant } from './Variant.js';

/** One variant's results on a scenario. */
export interface VariantResult {
  readonly variant: Variant;
  /** Features this build lacks; when any, the variant did not run. */
  readonly missing: readonly Feature[];
  /** The measures of each seed's run (empty when pending). */
  readonly runs: readonly Measures[];
  /** Over the seeds; `undefined` when pending. */
  readonly summary: Summary | undefined;
}

/** Every variant's results on one scenario. */
export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly seeds: readonly number[];
  readonly variants: readonly VariantResult[];
}

/**
 * Runs every variant of a scenario once per seed (the same seeds, so the same traffic, for all).
 * Variants whose features this build lacks are reported as pending and not run. A fault with an
 * `endJitter` ends at each seed's own time ({@link forSeed}).
 * @param scenario - The scenario.
 * @param seeds - At least one seed.
 * @returns The results, in the scenario's variant order.
 */
export async function compareVariants(scenario: Scenario, seeds: readonly number[]): Promise<ScenarioResult> {
  const variants: VariantResult[] = [];
  for (const variant of scenario.variants) {
    const missing = missingFeatures(variant);
    if (missing.length > 0) {
      variants.push({ variant, missing, runs: [], summary: undefined });
      continue;
    }
    const runs: Measures[] = [];
    for (const seed of seeds) {
      const run = forSeed(scenario, seed);
      runs.push(measure(await simulate(run, variant, seed), run));
    }
    variants.push({ variant, missing, runs, summary: summarize(runs) });
  }
  return { scenario, seeds, variants };
}
