import { logSafely } from '../logging/logSafely.js';
import type { Logger } from '../options.js';

/** What a draw is taken as when the source fails: the middle of [0, 1). */
const MIDDLE = 0.5;

/**
 * @internal A user's `random` option, guarded (DESIGN section 11): a draw that throws, or that is not
 * a number in [0, 1) (`NaN`, `1`, `-1`, a string), is taken as 0.5, so that jitter and throttling
 * draws never stop a breaker or reach a caller. The first such fault is reported as a `warn` line.
 * `Math.random` is trusted and used as it is.
 * @param random - The user's source, already checked to be a function.
 * @param logger - Where the first fault is reported.
 * @returns A source whose draws are always in [0, 1) and which never throws.
 */
export function guardRandom(random: () => number, logger: Logger | undefined): () => number {
  if (random === Math.random) return random;
  let reported = false;
  const fault = (detail: unknown, what: string): number => {
    if (!reported) {
      reported = true;
      logSafely(
        logger,
        'warn',
        detail instanceof Error
          ? { err: detail }
          : { value: typeof detail === 'number' ? detail : typeof detail },
        `breakwater: the \`random\` option ${what}; taking 0.5 instead (reported once)`,
      );
    }
    return MIDDLE;
  };
  return () => {
    let draw: unknown;
    try {
      draw = random();
    } catch (error) {
      return fault(error, 'threw');
    }
    return typeof draw === 'number' && draw >= 0 && draw < 1
      ? draw
      : fault(draw, 'returned a value outside [0, 1)');
  };
}
