import type { Phase } from './story.js';

/**
 * The fleet demo's script, in story ms (divided by `--speed`): healthy, down (500s), recovered. The
 * breakers are those of {@link STORY}; the instances share them through Redis.
 */
export const FLEET_STORY = Object.freeze({
  duration: 16_000,
  phases: [
    { at: 0, mode: 'healthy', note: 'service is healthy: answers 200 in ~30 ms' },
    { at: 3_000, mode: 'failing', note: 'service goes down: answers 500 after ~250 ms' },
    { at: 9_000, mode: 'healthy', note: 'service recovers' },
  ] as readonly Phase[],
});

/**
 * The fleet story's phase at story time `t`.
 * @param t - Story ms since the start.
 */
export function fleetPhaseAt(t: number): Phase {
  let current = FLEET_STORY.phases[0]!;
  for (const phase of FLEET_STORY.phases) if (phase.at <= t) current = phase;
  return current;
}
