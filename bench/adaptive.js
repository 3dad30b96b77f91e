// @ts-check
/**
 * The learned failure-rate threshold on the hot path: a closed breaker with
 * `failureRateThreshold: { adaptive: true }`, a successful call and a failing one, on this build
 * against the same calls on the first version of the rule ({@link FIRST}, a windowed z-test), built
 * into `node_modules/.cache` from git, and against the fixed rule `failureRateThreshold: 0.5` on the
 * same window, interleaved in one process. The failing breaker must stay closed through millions of failures: it
 * counts over a time window with a `minimumCalls` out of reach (no rule may open it) and a tiny
 * `sensitivity` (the detector never alarms), so that every failure takes the learning path.
 * Without git or that commit the comparison rows read `pending`.
 */
import { pathToFileURL } from 'node:url';
import { buildCommit } from './lib/build-commit.js';
import { observed } from './lib/floors.js';
import { interleave, pendingRow, report, row } from './lib/measure.js';
import { CircuitBreaker, fail, ok } from './lib/peers.js';

/** The last commit with the first version of the learned threshold. */
const FIRST = '74bb14a';
const success = 'adaptive threshold: closed, success';
const failure = 'adaptive threshold: closed, failure';
/** Never opens: a time window whose `minimumCalls` no run reaches, a detector that never alarms. */
const FAILING = {
  failureRateThreshold: { adaptive: true, sensitivity: 1e-9 },
  window: { type: 'time', duration: 60_000, buckets: 10 },
  minimumCalls: Number.MAX_SAFE_INTEGER,
};

const first = buildCommit(FIRST);
/** @type {typeof import('../dist/index.js') | undefined} */
const old = 'missing' in first ? undefined : await import(pathToFileURL(first.entry).href);

const now = new CircuitBreaker({ failureRateThreshold: { adaptive: true } });
const then =
  old === undefined ? undefined : new old.CircuitBreaker({ failureRateThreshold: { adaptive: true } });
const plain = new CircuitBreaker({ failureRateThreshold: 0.5 });
const s = await interleave([
  {
    name: 'F1',
    run: async (n) => {
      for (let i = 0; i < n; i++) await observed(ok);
    },
  },
  {
    name: 'now',
    run: async (n) => {
      for (let i = 0; i < n; i++) await now.call(ok);
    },
  },
  ...(then === undefined
    ? []
    : [
        {
          name: 'then',
          /** @param {number} n */
          run: async (n) => {
            for (let i = 0; i < n; i++) await then.call(ok);
          },
        },
      ]),
  {
    name: 'plain',
    run: async (n) => {
      for (let i = 0; i < n; i++) await plain.call(ok);
    },
  },
]);

const nowFailing = new CircuitBreaker(FAILING);
const thenFailing = old === undefined ? undefined : new old.CircuitBreaker(/** @type {never} */ (FAILING));
const plainFailing = new CircuitBreaker({ ...FAILING, failureRateThreshold: 0.5 });
const f = await interleave([
  {
    name: 'bare',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        try {
          await fail();
        } catch {}
      }
    },
  },
  {
    name: 'now',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        try {
          await nowFailing.call(fail);
        } catch {}
      }
    },
  },
  ...(thenFailing === undefined
    ? []
    : [
        {
          name: 'then',
          /** @param {number} n */
          run: async (n) => {
            for (let i = 0; i < n; i++) {
              try {
                await thenFailing.call(fail);
              } catch {}
            }
          },
        },
      ]),
  {
    name: 'plain',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        try {
          await plainFailing.call(fail);
        } catch {}
      }
    },
  },
]);
for (const breaker of [now, plain, nowFailing, plainFailing]) {
  if (breaker.state !== 'closed') throw new Error(`a breaker opened: ${breaker.name}`);
}
if (now.metrics().adaptive?.learned !== true) throw new Error('the adaptive breaker did not learn');
if (nowFailing.metrics().failedCalls === 0) throw new Error('nothing failed');

const f1 = s.F1 ?? [];
const bare = f.bare ?? [];
const firstName = `the first version (${FIRST})`;
const missing = 'missing' in first ? first.missing : '';
report('adaptive', [
  row(success, 'breakwater, adaptive', s.now ?? [], f1, 'F1', {
    also: { floor: s.plain ?? [], name: 'the fixed rule' },
  }),
  then === undefined
    ? pendingRow(success, 'x', missing)
    : row(success, `breakwater, adaptive, ${firstName}`, s.then ?? [], f1, 'F1', {
        also: { floor: s.now ?? [], name: 'this build' },
      }),
  row(success, 'breakwater, `failureRateThreshold: 0.5`', s.plain ?? [], f1, 'F1'),
  row(failure, 'breakwater, adaptive', f.now ?? [], bare, 'bare rejected `await`', {
    also: { floor: f.plain ?? [], name: 'the fixed rule' },
  }),
  thenFailing === undefined
    ? pendingRow(failure, 'x', missing)
    : row(failure, `breakwater, adaptive, ${firstName}`, f.then ?? [], bare, 'bare rejected `await`', {
        also: { floor: f.now ?? [], name: 'this build' },
      }),
  row(failure, 'breakwater, `failureRateThreshold: 0.5`', f.plain ?? [], bare, 'bare rejected `await`'),
]);
