import { controlCommand } from '../fleet/controlCommand.js';

/** `breakwater open <breaker> [--for 5m]`: open fleet-wide; it recovers normally after the period. */
export const open = controlCommand(
  'open',
  'open',
  'Open a breaker fleet-wide for a while',
  'Opens the breaker on every instance now; after the period it lets a trial through and recovers as usual.',
);
