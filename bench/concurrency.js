// @ts-check
/**
 * The adaptive concurrency limit not configured: admission reads a bound of the engine's own instead
 * of the options' `maxConcurrentCalls`, and the settle paths gained a check for the limit. A closed
 * breaker's call on this build against the same call on the last commit of main before the limit
 * ({@link BEFORE}), built into `node_modules/.cache` from git and interleaved in one process (the two
 * builds share no code, so no call site is shared): the defaults, `latencySampling: 0`, a fixed
 * `maxConcurrentCalls`, and a failing call. Then what the limit costs when configured (every call is
 * timed), against the same build's defaults. Without git or that commit the rows read `pending`.
 */
import { pathToFileURL } from 'node:url';
import { buildCommit } from './lib/build-commit.js';
import { interleave, pendingRow, report, row } from './lib/measure.js';
import { CircuitBreaker, fail, ok } from './lib/peers.js';

/** main before the adaptive concurrency limit (the merge of the opossum docs). */
const BEFORE = 'b4b6ca4';
const scenario = 'adaptive concurrency limit not configured';

const before = buildCommit(BEFORE);
if ('missing' in before) {
  report('concurrency', [pendingRow(scenario, 'x', before.missing, 1.05)]);
} else {
  /** @type {typeof import('../dist/index.js')} */
  const old = await import(pathToFileURL(before.entry).href);
  const never = Number.MAX_SAFE_INTEGER;
  const now = new CircuitBreaker();
  const then = new old.CircuitBreaker();
  const now0 = new CircuitBreaker({ latencySampling: 0 });
  const then0 = new old.CircuitBreaker({ latencySampling: 0 });
  const nowFixed = new CircuitBreaker({ maxConcurrentCalls: 100 });
  const thenFixed = new old.CircuitBreaker({ maxConcurrentCalls: 100 });
  const nowFail = new CircuitBreaker({ failureThreshold: never });
  const thenFail = new old.CircuitBreaker({ failureThreshold: never });
  const adaptive = new CircuitBreaker({ maxConcurrentCalls: { adaptive: true } });
  const timed = new CircuitBreaker({ latencySampling: 1 });
  const s = await interleave([
    {
      name: 'now',
      run: async (n) => {
        for (let i = 0; i < n; i++) await now.call(ok);
      },
    },
    {
      name: 'then',
      run: async (n) => {
        for (let i = 0; i < n; i++) await then.call(ok);
      },
    },
    {
      name: 'now0',
      run: async (n) => {
        for (let i = 0; i < n; i++) await now0.call(ok);
      },
    },
    {
      name: 'then0',
      run: async (n) => {
        for (let i = 0; i < n; i++) await then0.call(ok);
      },
    },
    {
      name: 'nowFixed',
      run: async (n) => {
        for (let i = 0; i < n; i++) await nowFixed.call(ok);
      },
    },
    {
      name: 'thenFixed',
      run: async (n) => {
        for (let i = 0; i < n; i++) await thenFixed.call(ok);
      },
    },
    {
      name: 'nowFail',
      run: async (n) => {
        for (let i = 0; i < n; i++) {
          try {
            await nowFail.call(fail);
          } catch {}
        }
      },
    },
    {
      name: 'thenFail',
      run: async (n) => {
        for (let i = 0; i < n; i++) {
          try {
            await thenFail.call(fail);
          } catch {}
        }
      },
    },
    {
      name: 'adaptive',
      run: async (n) => {
        for (let i = 0; i < n; i++) await adaptive.call(ok);
      },
    },
    {
      name: 'timed',
      run: async (n) => {
        for (let i = 0; i < n; i++) await timed.call(ok);
      },
    },
  ]);
  if (now.metrics().successfulCalls === 0 || then.metrics().successfulCalls === 0)
    throw new Error('nothing was observed');
  if (adaptive.metrics().concurrency === null) throw new Error('the adaptive limit is not configured');
  const floor = `before the limit (${BEFORE})`;
  const note = 'the same call on both builds; within the 5% this table resolves';
  const pair = (/** @type {string} */ what, /** @type {string} */ a, /** @type {string} */ b) =>
    row(`${scenario}: ${what}`, 'breakwater', s[a] ?? [], s[b] ?? [], floor, { target: 1.05, note });
  report('concurrency', [
    pair('closed, success (defaults)', 'now', 'then'),
    pair('closed, success (latencySampling: 0)', 'now0', 'then0'),
    pair('closed, success (maxConcurrentCalls: 100)', 'nowFixed', 'thenFixed'),
    pair('closed, failure (defaults)', 'nowFail', 'thenFail'),
    row(
      'adaptive concurrency limit configured: closed, success',
      'breakwater, latencySampling: 1',
      s.timed ?? [],
      s.now ?? [],
      'defaults',
      { note: 'timing every call, as the limit needs, without the limit' },
    ),
    row(
      'adaptive concurrency limit configured: closed, success',
      'breakwater, maxConcurrentCalls: { adaptive: true }',
      s.adaptive ?? [],
      s.now ?? [],
      'defaults',
      { note: 'what the limit costs when configured: every call timed, one sample to the limit per call' },
    ),
    row(
      'adaptive concurrency limit configured: closed, success',
      'breakwater, maxConcurrentCalls: { adaptive: true } (vs every call timed)',
      s.adaptive ?? [],
      s.timed ?? [],
      'latencySampling: 1',
      { note: 'the limit itself, beyond the timing it needs' },
    ),
  ]);
}
