import type { ScenarioResult, VariantResult } from './compare.js';
import { FEATURE_OPTION } from './features.js';
import type { Scenario } from './Scenario.js';
import type { MeasureName, Stat, Summary } from './summary.js';

/** Shows a stat as text: its median, or its range over the seeds. */
export type Show = (stat: Stat, format: (value: number) => string) => string;

/** One column of a scenario's table. */
export interface Column {
  readonly title: string;
  /** The cell of a summary, shown by `show`. */
  readonly cell: (summary: Summary, show: Show) => string;
  /** Whether the column belongs to a scenario's table. */
  readonly applies: (scenario: Scenario) => boolean;
}

const always = (): boolean => true;
const withFault = (scenario: Scenario): boolean => scenario.fault !== undefined;
const withProbe = (scenario: Scenario): boolean => scenario.variants.some((v) => v.probe);
const withRetries = (scenario: Scenario): boolean => scenario.variants.some((v) => v.retry !== undefined);
const withSettling = (scenario: Scenario): boolean => scenario.settledAfter !== undefined;

/**
 * Formats a rate: three significant figures (95.8, 2.41, 0.0889).
 * @param value - Calls per second.
 * @returns The text.
 */
export function formatRate(value: number): string {
  return value.toLocaleString('en-US', { maximumSignificantDigits: 3 });
}

/**
 * Formats a count (a median of counts may end in .5).
 * @param value - The count.
 * @returns The text, with thousands separators.
 */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/**
 * Formats a percentage: two significant figures, three decimals at most (26, 1.2, 0.034, 0).
 * @param value - Percent.
 * @returns The text.
 */
export function formatShare(value: number): string {
  return value.toLocaleString('en-US', { maximumSignificantDigits: 2, maximumFractionDigits: 3 });
}

/**
 * Formats a latency in whole ms.
 * @param value - Ms.
 * @returns The text.
 */
export function formatMs(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/**
 * Formats a duration in seconds with one decimal; `Infinity` as `never`.
 * @param value - Ms.
 * @param never - The text for `Infinity`.
 * @returns The text.
 */
export function formatSeconds(value: number, never = 'never'): string {
  return value === Number.POSITIVE_INFINITY ? never : (value / 1000).toFixed(1);
}

/** The cell of one measure: `–` where it does not apply. */
function of(name: MeasureName, format: (value: number) => string) {
  return (summary: Summary, show: Show): string => {
    const stat = summary[name];
    return stat === undefined ? '–' : show(stat, format);
  };
}

/** Shows the median. */
export const showMedian: Show = (stat, format) => format(stat.median);

/** Shows the range over the seeds. */
export const showRange: Show = (stat, format) =>
  stat.min === stat.max ? format(stat.min) : `${format(stat.min)}–${format(stat.max)}`;

/** How each measure is shown, and its name in the tables. */
export const MEASURES: {
  readonly [K in MeasureName]: { readonly title: string; readonly format: (value: number) => string };
} = {
  goodput: { title: 'goodput /s', format: formatRate },
  faultGoodput: { title: 'goodput in the fault /s', format: formatRate },
  wasted: { title: 'wasted calls', format: formatCount },
  faultLoad: { title: 'load in the fault /s', format: formatRate },
  p99: { title: 'p99 ms', format: formatMs },
  detect: { title: 'detect s', format: (v) => formatSeconds(v, 'missed') },
  recover: { title: 'recover s', format: formatSeconds },
  flaps: { title: 'flaps', format: formatCount },
  refusedWhileHealthy: { title: 'refused while healthy', format: formatCount },
  refusedShare: { title: 'refused after settling %', format: formatShare },
  closedAfter: { title: 'closed after s', format: formatSeconds },
  probes: { title: 'probes', format: formatCount },
  failedProbes: { title: 'failed probes', format: formatCount },
};

function column(name: MeasureName, applies: (scenario: Scenario) => boolean): Column {
  const { title, format } = MEASURES[name];
  return { title, cell: of(name, format), applies };
}

/** The columns of the tables, in order. */
export const COLUMNS: readonly Column[] = [
  column('goodput', always),
  column('faultGoodput', withFault),
  column('wasted', always),
  column('faultLoad', withRetries),
  column('p99', always),
  column('detect', withFault),
  column('recover', withFault),
  column('flaps', always),
  column('refusedWhileHealthy', always),
  column('refusedShare', withSettling),
  column('closedAfter', withProbe),
  {
    title: 'probes (failed)',
    cell: (summary, show) => {
      const sent = of('probes', formatCount)(summary, show);
      return sent === '0' ? '–' : `${sent} (${of('failedProbes', formatCount)(summary, show)})`;
    },
    applies: withProbe,
  },
];

/**
 * The text of a pending variant's row.
 * @param result - A variant that did not run.
 * @returns `pending: option … not available in this build`.
 */
export function pendingText(result: VariantResult): string {
  const options = result.missing.map((f) => `\`${FEATURE_OPTION[f]}\``).join(' and ');
  return `pending: option ${options} not available in this build`;
}

/**
 * A scenario's table in markdown, its columns padded so that it also reads on a terminal.
 * @param result - The scenario's results.
 * @param show - What a cell shows of its measure: {@link showMedian} or {@link showRange}.
 * @returns The table.
 */
export function markdownTable(result: ScenarioResult, show: Show = showMedian): string {
  const columns = COLUMNS.filter((c) => c.applies(result.scenario));
  const header = ['variant', ...columns.map((c) => c.title)];
  const ran = result.variants.filter((v) => v.summary !== undefined);
  const rows = ran.map((v) => [v.variant.id, ...columns.map((c) => c.cell(v.summary!, show))]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  widths[0] = Math.max(widths[0]!, ...result.variants.map((v) => v.variant.id.length));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  const lines = result.variants.map((v) =>
    v.summary === undefined
      ? `| ${v.variant.id.padEnd(widths[0]!)} | ${pendingText(v)} |${' |'.repeat(columns.length - 1)}`
      : line(rows[ran.indexOf(v)]!),
  );
  return [line(header), rule, ...lines].join('\n');
}

/** The headline columns: for each scenario, the measures it is about. */
const HEADLINES: readonly {
  readonly scenario: string;
  readonly measure: MeasureName;
  readonly title: string;
}[] = [
  { scenario: 'outage', measure: 'wasted', title: 'outage: wasted calls' },
  { scenario: 'outage', measure: 'detect', title: 'outage: detect s' },
  { scenario: 'outage', measure: 'recover', title: 'outage: recover s' },
  { scenario: 'brownout', measure: 'faultGoodput', title: 'brown-out: goodput /s' },
  { scenario: 'brownout', measure: 'recover', title: 'brown-out: recover s' },
  { scenario: 'errors8', measure: 'refusedWhileHealthy', title: '8% errors: refused for nothing' },
  { scenario: 'quiet', measure: 'wasted', title: 'quiet: wasted calls' },
  { scenario: 'quiet', measure: 'closedAfter', title: 'quiet: closed after s' },
  { scenario: 'severe', measure: 'faultGoodput', title: 'severe brown-out: goodput /s' },
  { scenario: 'busy', measure: 'refusedShare', title: 'busy and healthy: refused %' },
  { scenario: 'storm', measure: 'faultLoad', title: 'retry storm: load /s' },
  { scenario: 'storm', measure: 'faultGoodput', title: 'retry storm: goodput /s' },
];

/**
 * One table over every scenario, a row per variant and the measures each scenario is about (the
 * README quotes it). A variant a scenario does not compare shows `·`; a pending one, `pending`.
 * @param results - Every scenario's results.
 * @returns The markdown table.
 */
export function headlineTable(results: readonly ScenarioResult[]): string {
  const columns = HEADLINES.filter((h) => results.some((r) => r.scenario.id === h.scenario));
  const ids = [...new Set(results.flatMap((r) => r.variants.map((v) => v.variant.id)))];
  const cell = (id: string, column: (typeof columns)[number]): string => {
    const found = results
      .find((r) => r.scenario.id === column.scenario)
      ?.variants.find((v) => v.variant.id === id);
    if (found === undefined) return '·';
    if (found.summary === undefined) return 'pending';
    const stat = found.summary[column.measure];
    return stat === undefined ? '–' : MEASURES[column.measure].format(stat.median);
  };
  const header = `| variant | ${columns.map((c) => c.title).join(' | ')} |`;
  const rule = `| --- | ${columns.map(() => '---:').join(' | ')} |`;
  const rows = ids.map((id) => `| ${id} | ${columns.map((c) => cell(id, c)).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}
