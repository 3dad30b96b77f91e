// @ts-check
/** The results table of `npm run bench` (checked by test/bench-harness.test.ts). */
import { noteOf } from './measure.js';
import { fmt } from './stats.js';

/** @typedef {import('./measure.js').Row} Row */

/** Columns of the table. */
export const HEADER = Object.freeze([
  'Scenario',
  'Variant',
  'Median',
  'Ratio to floor',
  'Spread (IQR/2, min–max)',
  'Target',
  'Met',
  'Note',
]);

/**
 * A scenario that is not measured yet (`NaN` and `null` both arrive as `null` through IPC).
 * @param {Row} r
 * @returns {boolean}
 */
export function isPending(r) {
  return r.value === null || Number.isNaN(r.value);
}

/**
 * Whether a row with a target meets it: `''` without a target or while pending.
 * @param {Row} r
 * @returns {'yes' | 'no' | ''}
 */
export function verdict(r) {
  if (r.target === undefined || r.target === null || isPending(r)) return '';
  const measured = r.ratio ?? /** @type {number} */ (r.value);
  if (!Number.isFinite(measured)) return 'no';
  return (r.higherIsBetter ? measured >= r.target : measured <= r.target) ? 'yes' : 'no';
}

/**
 * The cells of one row. A row with a target is breakwater's target: its variant is shown in bold.
 * @param {Row} r
 * @returns {string[]}
 */
export function cells(r) {
  const isRatio = r.ratio !== undefined && r.ratio !== null;
  const floor = r.floor ? ` ${r.floor}` : '';
  const value = isPending(r) ? 'pending' : `${fmt(/** @type {number} */ (r.value))} ${r.unit}`;
  const ratio = isRatio ? `${fmt(/** @type {number} */ (r.ratio))}x${floor}` : '';
  const spread = isRatio
    ? `±${Math.round(((r.spread ?? 0) * 100) / 2)}% (${fmt(r.ratioMin ?? 0)}–${fmt(r.ratioMax ?? 0)})`
    : '';
  const hasTarget = r.target !== undefined && r.target !== null;
  const target = hasTarget
    ? `${r.higherIsBetter ? '>=' : '<='} ${r.target}${isRatio ? `x${floor}` : ` ${r.unit}`}`
    : '';
  const variant = hasTarget ? `**${r.variant}**` : r.variant;
  return [r.scenario, variant, value, ratio, spread, target, verdict(r), noteOf(r)];
}

/**
 * The markdown table of `rows`.
 * @param {Row[]} rows
 * @returns {string}
 */
export function markdownTable(rows) {
  return [HEADER, HEADER.map(() => '---'), ...rows.map(cells)]
    .map((c) => `| ${c.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`)
    .join('\n');
}
