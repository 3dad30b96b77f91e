import type { Command } from '../Command.js';
import { dashboard } from './dashboard.js';
import { demo } from './demo.js';
import { notYetAvailable } from './notYetAvailable.js';

const fleet = 'shared state through Redis (breakwater/redis), with `--redis URL --namespace NS`';

/**
 * Every `breakwater` command, in the order `--help` lists them. A fleet command that lands replaces
 * its `notYetAvailable(...)` entry with the import of `./<name>.js`.
 */
export const commands: readonly Command[] = [
  demo,
  notYetAvailable('status', 'Show the state of every breaker in the fleet', fleet),
  notYetAvailable('watch', 'Follow the fleet’s breakers live', fleet),
  notYetAvailable('open', 'Open a breaker fleet-wide for a while', fleet),
  notYetAvailable('force-open', 'Force a breaker open fleet-wide until reset', fleet),
  notYetAvailable('force-close', 'Force a breaker closed fleet-wide until reset', fleet),
  notYetAvailable('reset', 'Reset a breaker fleet-wide', fleet),
  dashboard,
];
