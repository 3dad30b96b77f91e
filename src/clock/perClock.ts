import type { Clock } from './Clock.js';

/**
 * @internal One `T` per clock, made on first use and shared by every breaker on that clock. The one
 * asked for last is kept aside: almost every process runs one clock, so a lookup costs no `WeakMap`.
 * @param make - Makes the clock's `T`.
 * @returns The lookup.
 */
export function perClock<T>(make: (clock: Clock) => T): (clock: Clock) => T {
  const made = new WeakMap<Clock, T>();
  let lastClock: Clock | undefined;
  let last: T | undefined;
  return (clock) => {
    if (clock === lastClock && last !== undefined) return last;
    let found = made.get(clock);
    if (found === undefined) {
      found = make(clock);
      made.set(clock, found);
    }
    lastClock = clock;
    last = found;
    return found;
  };
}
