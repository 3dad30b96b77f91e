// @ts-check
/**
 * `npm run bench`: runs each scenario group in its own process (`node --expose-gc bench/<group>.js`),
 * prints one table and writes it to bench/results.md with the machine, Node version, date and method,
 * followed by bench/OPTIMISATIONS.md. `node bench/run.js success timeout` runs only those groups and
 * prints their table without writing results.md.
 */
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { MIN_ROUNDS } from './lib/measure.js';
import { peerVersion } from './lib/peers.js';
import { pool } from './lib/pool.js';
import { markdownTable, verdict } from './lib/table.js';

/** @typedef {import('./lib/measure.js').Row} Row */

const here = fileURLToPath(new URL('.', import.meta.url));
/** Processes per interleaved group; their per-round ratios are pooled (see lib/pool.js). */
const PROCESSES = 3;
/**
 * Every group, in table order: the file, its arguments and how many processes run it. Groups that
 * are a fixed sequence (timeout-gc, sustained), not timed (memory) or a fleet of processes
 * of their own (redis-propagation, redis-load, redis-overshoot) run once.
 * @type {{ file: string, args?: string[], processes?: number }[]}
 */
const GROUPS = [
  { file: 'success', processes: PROCESSES },
  { file: 'failure', processes: PROCESSES },
  { file: 'window', processes: PROCESSES },
  { file: 'window-opossum', processes: PROCESSES },
  { file: 'open', processes: PROCESSES },
  { file: 'checks', processes: PROCESSES },
  { file: 'inflight', processes: PROCESSES },
  { file: 'timeout', processes: PROCESSES },
  { file: 'timeout-gc' },
  { file: 'memory' },
  { file: 'sustained', args: ['breakwater'] },
  { file: 'sustained', args: ['cockatiel'] },
  { file: 'sustained', args: ['opossum'] },
  { file: 'redis-hotpath', processes: PROCESSES },
  { file: 'redis-propagation' },
  { file: 'redis-load' },
  { file: 'redis-overshoot' },
  { file: 'unconfigured', processes: PROCESSES },
  { file: 'adaptive', processes: PROCESSES },
];

const only = process.argv.slice(2);
const unknown = only.filter((name) => !GROUPS.some((g) => g.file === name));
if (unknown.length > 0) {
  console.error(
    `Unknown group ${unknown.join(', ')}; the groups are ${[...new Set(GROUPS.map((g) => g.file))].join(', ')}`,
  );
  process.exit(2);
}
const groups = only.length === 0 ? GROUPS : GROUPS.filter((g) => only.includes(g.file));

/**
 * Runs one process of a group and resolves with its rows.
 * @param {string} group
 * @param {string[]} args
 * @returns {Promise<Row[]>}
 */
function runProcess(group, args) {
  return new Promise((resolve, reject) => {
    /** @type {Row[]} */
    let rows = [];
    const child = fork(`${here}${group}.js`, args, {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (message) => {
      rows = /** @type {{ rows: Row[] }} */ (message).rows;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(rows)
        : reject(new Error(`bench/${group}.js ${args.join(' ')} exited with ${code}`)),
    );
  });
}

const started = Date.now();
/** @type {Row[]} */
const rows = [];
for (const { file, args = [], processes = 1 } of groups) {
  const groupStart = Date.now();
  process.stderr.write(
    `bench: ${[file, ...args].join(' ')}${processes > 1 ? ` (${processes} processes)` : ''}... `,
  );
  /** @type {Row[][]} */
  const runs = [];
  for (let i = 0; i < processes; i++) runs.push(await runProcess(file, args));
  rows.push(...pool(runs));
  process.stderr.write(`${((Date.now() - groupStart) / 1000).toFixed(1)} s\n`);
}
const seconds = Math.round((Date.now() - started) / 1000);
const table = markdownTable(rows);
const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
const machine = `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`;
const peers = [peerVersion('cockatiel'), peerVersion('opossum')];
const targets = rows.filter((r) => verdict(r) !== '');
const missed = targets.filter((r) => verdict(r) === 'no');

if (only.length > 0) {
  console.log(`\n${machine}\n\n${table}\n\n(partial run: bench/results.md not written)`);
} else {
  let notes = '';
  try {
    notes = readFileSync(`${here}OPTIMISATIONS.md`, 'utf8');
  } catch {}
  const markdown = `# Benchmark results

${machine}. Peers: ${peers.map((p) => `${p.name} ${p.version} (declares Node ${p.node})`).join(', ')}; both run on Node 20, which they do not declare. \`npm run bench\` took ${seconds} s.

## Method

Every scenario group runs in its own process, and breakwater is the built \`dist\`. In each group the
variants are interleaved: every round runs each variant once for a batch of about 10 ms of CPU
time (the process's CPU time, not the wall clock, so that a batch the scheduler set aside while other
work ran does not read slower; garbage-collector helpers and background compilation count), in an order
that changes every round (a balanced Latin square: every variant runs in every position, and right
after every other variant, equally often), so that drift and whatever ran just before hit all of
them alike. A variant's figure is the median of its batches (CPU ns per operation); its ratio is the
median of the per-round ratios (its batch divided by the floor's batch of the same round). Each
interleaved group runs in ${PROCESSES} processes of at least ${MIN_ROUNDS} rounds (after 2 warm-up rounds) and
their per-round ratios are pooled, because V8 does not optimise two processes alike (one process in
a few leaves a variant 1.5-2x off for its whole run); the spread is half the interquartile range of
the pooled ratios, with their min and max. Each variant has its own loop function, so that no call
site is shared between variants (a shared site goes polymorphic), and a batch calls it 1000
operations at a time, so that it runs its regular optimised code rather than code compiled on stack
replacement. Nothing calls \`gc()\` between batches: a collection throws optimised code away and
would measure re-tiering; the \`gc()\` rows measure exactly that, on purpose.

The floors, measured in the same process:
- a bare \`await fn()\` of an async function; a bare rejected \`await\` of a pre-built error; a bare
  \`Promise.all\` of 1000;
- **F1**, the least a correct observer can do: \`const p = fn(); p.then(onOk, onFail); return p;\`
  with counter handlers created once; **F1 in flight**, the same for 1000 calls awaited with
  \`Promise.all\`;
- **T2**, the least a call with a timeout can do (\`bench/lib/t2.js\`): a promise of its own from a
  shared executor, one \`performance.now()\`, a record linked into a shared deadline bucket (one
  unref'd timer per bucket, no \`Map\` lookup), one \`.then\` on \`fn\`'s promise;
- **C1**, the least an exact synchronous state check can do: one \`performance.now()\` and a
  comparison with a deadline.

Rows with a target (variant in **bold**) are breakwater's targets from DESIGN section 7; the others
are floors and peers, for comparison. Ratios name their floor ("1.31x F1"); a note gives the ratio to
the bare floor where that is not the target's floor. Targets met: ${targets.length - missed.length} of ${targets.length}${missed.length > 0 ? `; not met: ${missed.map((r) => `${r.scenario} (${r.variant})`).join('; ')}` : ''}.

${table}

${notes}`;
  writeFileSync(`${here}results.md`, markdown);
  console.log(`\n${machine}\n\n${table}\n\nWritten to bench/results.md in ${seconds} s`);
}
