import { controlCommand } from '../fleet/controlCommand.js';

/** `breakwater reset <breaker>`: back to closed everywhere, counts cleared. */
export const reset = controlCommand(
  'reset',
  'reset',
  'Reset a breaker fleet-wide',
  'Closes the breaker on every instance and clears its counts (shared and local), ending a forced state.',
);
