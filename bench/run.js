// @ts-check
/**
 * `npm run bench`: runs each scenario group in its own process (`node --expose-gc bench/<group>.js`),
 * prints one table and writes it to bench/results.md with the machine, Node version and date.
 * Figures are medians of interleaved runs, each also a ratio to a floor measured beside it.
 */
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { fmt } from './lib/stats.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const groups = [
  ['closed'],
  ['open'],
  ['timeout'],
  ['inflight'],
  ['window'],
  ['memory'],
  ['sustained', 'breakwater'],
  ['sustained', 'cockatiel'],
  ['sustained', 'opossum'],
  ['redis'],
];

/**
 * @typedef {{ scenario: string, variant: string, value: number, unit: string, ratio?: number,
 *   spread?: number, ratioMin?: number, ratioMax?: number, runs: number, floor?: string,
 *   target?: number, higherIsBetter?: boolean, note?: string }} Row
 */

/** @param {string[]} args @returns {Promise<Row[]>} */
function runGroup([group, ...args]) {
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
      code === 0 ? resolve(rows) : reject(new Error(`bench/${group}.js exited with ${code}`)),
    );
  });
}

/** A scenario not measured yet (NaN arrives as null through IPC). @param {Row} r */
const pending = (r) => r.value === null || Number.isNaN(r.value);

/** @param {Row} r @returns {'yes' | 'no' | ''} */
function verdict(r) {
  if (r.target === undefined || pending(r)) return '';
  const measured = r.ratio ?? r.value;
  return (r.higherIsBetter ? measured >= r.target : measured <= r.target) ? 'yes' : 'no';
}

/** @param {Row} r */
function cells(r) {
  const isRatio = r.ratio !== undefined;
  const value = pending(r) ? 'pending' : `${fmt(r.value)} ${r.unit}`;
  const ratio = isRatio ? `${fmt(/** @type {number} */ (r.ratio))}x` : '';
  const spread = isRatio
    ? `±${Math.round(((r.spread ?? 0) * 100) / 2)}% (${fmt(r.ratioMin ?? 0)}–${fmt(r.ratioMax ?? 0)})`
    : '';
  const target =
    r.target === undefined
      ? ''
      : `${r.higherIsBetter ? '>=' : '<='} ${r.target}${isRatio ? 'x' : ` ${r.unit}`}`;
  return [r.scenario, r.variant, value, ratio, spread, target, verdict(r), r.note ?? ''];
}

const started = Date.now();
/** @type {Row[]} */
const rows = [];
for (const group of groups) {
  process.stderr.write(`bench: ${group.join(' ')}...\n`);
  rows.push(...(await runGroup(group)));
}
const header = [
  'Scenario',
  'Variant',
  'Median',
  'Ratio to floor',
  'Spread (IQR/2, min–max)',
  'Target',
  'Met',
  'Note',
];
const table = [header, header.map(() => '---'), ...rows.map(cells)]
  .map((c) => `| ${c.join(' | ')} |`)
  .join('\n');
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`;
const floors = [
  'Floors (measured in the same process, interleaved with the variants): closed success, timeout and',
  'the sync checks against a bare `await fn()` of an async function; failures against a bare rejected',
  '`await` of a pre-built error; 1000 in flight against a bare `Promise.all` of 1000. Ratios are the',
  'median of per-round ratios (12 rounds after 2 warm-up rounds, variants rotated each round).',
].join('\n');
let notes = '';
try {
  notes = readFileSync(`${here}OPTIMISATIONS.md`, 'utf8');
} catch {}
const markdown = `# Benchmark results\n\n${machine}. Total time ${Math.round((Date.now() - started) / 1000)} s.\n\n${floors}\n\n${table}\n\n${notes}`;
writeFileSync(`${here}results.md`, markdown);
console.log(`\n${machine}\n\n${table}\n\nWritten to bench/results.md`);
