import { controlCommand } from '../fleet/controlCommand.js';

/** `breakwater force-close <breaker>`: admit every call on every instance until a reset. */
export const forceClose = controlCommand(
  'force-close',
  'force_close',
  'Force a breaker closed fleet-wide until reset',
  'Makes every instance admit every call through the breaker (counting, never tripping) until `breakwater reset`.',
);
