// @ts-check
/**
 * Adaptive protection (the learned threshold, throttling, probes) not configured: the hot path must
 * cost what it did before those features existed. A closed breaker's successful call on this build
 * against the same call on the last commit before them ({@link BEFORE}), built into
 * `node_modules/.cache` from git, interleaved in one process (the two builds share no code, so no
 * call site is shared). Without git or that commit the rows read `pending`.
 */
import { pathToFileURL } from 'node:url';
import { buildCommit } from './lib/build-commit.js';
import { observed } from './lib/floors.js';
import { interleave, pendingRow, report, row } from './lib/measure.js';
import { CircuitBreaker, ok } from './lib/peers.js';

/** The last commit before adaptive protection ("Timeout path: its optimised code survives a gc"). */
const BEFORE = 'c889978';
const scenario = 'adaptive protection not configured: closed, success';

const before = buildCommit(BEFORE);
if ('missing' in before) {
  report('unconfigured', [pendingRow(scenario, 'x', before.missing, 1.05)]);
} else {
  /** @type {typeof import('../dist/index.js')} */
  const old = await import(pathToFileURL(before.entry).href);
  const now = new CircuitBreaker();
  const then = new old.CircuitBreaker();
  const now0 = new CircuitBreaker({ latencySampling: 0 });
  const then0 = new old.CircuitBreaker({ latencySampling: 0 });
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
  ]);
  if (now.metrics().successfulCalls === 0 || then.metrics().successfulCalls === 0)
    throw new Error('nothing was observed');
  const f1 = s.F1 ?? [];
  const floor = `before adaptive protection (${BEFORE})`;
  const note = 'the same call on both builds; within the 5% this table resolves';
  report('unconfigured', [
    row(scenario, `breakwater before adaptive protection (${BEFORE})`, s.then ?? [], f1, 'F1'),
    row(scenario, 'breakwater (defaults)', s.now ?? [], s.then ?? [], floor, { target: 1.05, note }),
    row(scenario, `breakwater before, latencySampling: 0`, s.then0 ?? [], f1, 'F1'),
    row(scenario, 'breakwater, latencySampling: 0', s.now0 ?? [], s.then0 ?? [], floor, {
      target: 1.05,
      note,
    }),
  ]);
}
