import { controlCommand } from '../fleet/controlCommand.js';

/** `breakwater force-open <breaker>`: refuse every call on every instance until a reset. */
export const forceOpen = controlCommand(
  'force-open',
  'force_open',
  'Force a breaker open fleet-wide until reset',
  'Makes every instance refuse every call through the breaker until `breakwater reset`.',
);
