/**
 * `npm run simulate`: runs every scenario's variants over the seeds, prints each scenario's table
 * and the checked claims, and writes bench/simulation.md.
 *
 *   npm run simulate -- --seeds 21          more seeds (default 21, from --seed, default 1)
 *   npm run simulate -- --scenario brownout  only these scenarios (comma-separated); prints only,
 *                                            bench/simulation.md is not written
 *   npm run simulate -- --scenario learned   only the learned threshold's false opens and detection
 *   npm run simulate -- --false-open-calls 1e8   calls per learned rate in the false-open count
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { compareVariants, type ScenarioResult } from './compare.js';
import { BUDGET_CALLS, learnedSection, measureLearned } from './learnedThreshold.js';
import { reading } from './reading.js';
import { markdownReport } from './report.js';
import { SCENARIOS } from './scenarios.js';
import { markdownTable } from './table.js';

const USAGE =
  'Usage: npm run simulate -- [--seeds N] [--seed FIRST] [--scenario id,id] [--false-open-calls N]';
/** The id that selects the learned threshold's section. */
const LEARNED = 'learned';

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        seeds: { type: 'string', default: '21' },
        seed: { type: 'string', default: '1' },
        scenario: { type: 'string' },
        'false-open-calls': { type: 'string', default: String(BUDGET_CALLS) },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
})();
if (values.help) {
  console.log(`${USAGE}\nScenarios: ${[...SCENARIOS.map((s) => s.id), LEARNED].join(', ')}`);
  process.exit(0);
}
const count = Number(values.seeds);
const first = Number(values.seed);
if (!Number.isInteger(count) || count < 1) {
  console.error(`Expected \`--seeds\` to be an integer >= 1, got \`${values.seeds}\`\n${USAGE}`);
  process.exit(2);
}
const falseOpenCalls = Number(values['false-open-calls']);
if (!Number.isSafeInteger(falseOpenCalls) || falseOpenCalls < 1) {
  console.error(
    `Expected \`--false-open-calls\` to be an integer >= 1, got \`${values['false-open-calls']}\`\n${USAGE}`,
  );
  process.exit(2);
}
if (!Number.isSafeInteger(first)) {
  console.error(`Expected \`--seed\` to be an integer, got \`${values.seed}\`\n${USAGE}`);
  process.exit(2);
}
const only = values.scenario?.split(',').filter((id) => id !== '');
const unknown = only?.filter((id) => id !== LEARNED && !SCENARIOS.some((s) => s.id === id)) ?? [];
if (unknown.length > 0) {
  console.error(
    `Unknown scenario ${unknown.map((id) => `\`${id}\``).join(', ')}; the scenarios are ${[...SCENARIOS.map((s) => s.id), LEARNED].join(', ')}`,
  );
  process.exit(2);
}

const seeds = Array.from({ length: count }, (_, i) => first + i);
const scenarios = only === undefined ? SCENARIOS : SCENARIOS.filter((s) => only.includes(s.id));
const started = performance.now();
const results: ScenarioResult[] = [];
for (const scenario of scenarios) {
  const t0 = performance.now();
  process.stderr.write(
    `simulate: ${scenario.id} (${scenario.variants.length} variants x ${seeds.length} seeds)... `,
  );
  const result = await compareVariants(scenario, seeds);
  results.push(result);
  process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  console.log(
    `\n${scenario.title}\n\n${markdownTable(result)}\n\n${reading(result)
      .verdicts.map((v) => v.text)
      .join('\n')}`,
  );
}
let learned: ReturnType<typeof learnedSection> | undefined;
if (only === undefined || only.includes(LEARNED)) {
  const t0 = performance.now();
  process.stderr.write(
    `simulate: learned threshold (${falseOpenCalls.toExponential(0)} calls per learned rate, ${seeds.length} seeds)... `,
  );
  learned = learnedSection(measureLearned(seeds, falseOpenCalls));
  process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  console.log(`\n${learned.markdown}`);
}
const seconds = Math.round((performance.now() - started) / 100) / 10;
if (only === undefined) {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const machine = `${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
  const { markdown } = markdownReport(results, { seeds, seconds, machine }, learned);
  const path = new URL('../simulation.md', import.meta.url);
  writeFileSync(path, markdown);
  console.log(`\nWritten to bench/simulation.md in ${seconds} s`);
} else {
  console.log(`\n(partial run in ${seconds} s: bench/simulation.md not written)`);
}
