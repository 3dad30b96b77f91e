import type { CampaignResult, Episode } from './Campaign.js';

const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const max = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : Math.max(...values));
const ms = (value: number): string => (Number.isNaN(value) ? '-' : `${Math.round(value)}`);
const spread = (values: readonly number[]): string =>
  values.length === 0 ? '-' : `${ms(median(values))} / ${ms(max(values))}`;

/**
 * The campaign's figures as Markdown: one row per kind of fault (what happened while it lasted, how
 * fast it was detected and got over), the totals, what the stores reported, and every violation.
 */
export function chaosReport(result: CampaignResult, header: string): string {
  const byFault = new Map<string, Episode[]>();
  for (const episode of result.episodes) {
    const list = byFault.get(episode.fault) ?? [];
    list.push(episode);
    byFault.set(episode.fault, list);
  }
  const lines = [
    header,
    '',
    '| fault | episodes | seconds | calls made | admitted | refused | fewest admitted by one instance in the last second | storeErrors | detected, ms (median / max) | `list()` back, ms (median / max) | all `closed`, ms (median / max) | `close()` during it, ms (max) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [fault, episodes] of byFault) {
    const sum = (pick: (e: Episode) => number) => episodes.reduce((total, e) => total + pick(e), 0);
    const closes = episodes.flatMap((e) => (e.close === undefined ? [] : [e.close.ms]));
    lines.push(
      `| ${fault} | ${episodes.length} | ${(sum((e) => e.ms) / 1000).toFixed(0)} | ${sum((e) => e.made)} | ` +
        `${sum((e) => e.admitted)} | ${sum((e) => e.refused)} | ${Math.min(...episodes.map((e) => e.admittedLastSecond))} | ` +
        `${sum((e) => e.storeErrors)} | ${spread(episodes.flatMap((e) => e.detection))} | ` +
        `${spread(episodes.map((e) => e.reconnect))} | ${spread(episodes.map((e) => e.converge))} | ` +
        `${closes.length === 0 ? '-' : ms(max(closes))} |`,
    );
  }
  const t = result.totals;
  lines.push(
    '',
    `Totals over ${result.instances} instances and ${(result.ms / 1000).toFixed(0)} s: ${t.made} calls made, ` +
      `${t.admitted} admitted, ${t.refused} refused, ${t.failed} failed with the dependency's error, ` +
      `${t.foreign} with any other error; ${t.storeErrors} storeErrors; ${t.replaced} connections replaced ` +
      `as unresponsive. Redis counted ${result.redisCalls} calls (since its keys were last lost), ` +
      `at most the ${t.admitted} admitted.`,
    '',
    'What the stores reported (storeError messages, digits as N):',
  );
  for (const [fault, episodes] of byFault) {
    const samples = [...new Set(episodes.flatMap((e) => e.storeErrorSamples))];
    lines.push(`- ${fault}: ${samples.length === 0 ? 'nothing' : samples.map((s) => `\`${s}\``).join('; ')}`);
  }
  lines.push('', result.violations.length === 0 ? 'Violations: none.' : 'VIOLATIONS:');
  for (const violation of result.violations) lines.push(`- ${violation}`);
  return lines.join('\n');
}
