import type { Verdict } from './claims.js';
import type { ScenarioResult } from './compare.js';
import { reading } from './reading.js';
import { MODEL } from './scenarios.js';
import { headlineTable, markdownTable, showRange } from './table.js';

/** Where and how a report was made. */
export interface ReportContext {
  readonly seeds: readonly number[];
  /** Wall-clock seconds the run took. */
  readonly seconds: number;
  /** A line on the machine and Node version. */
  readonly machine: string;
}

const capacity = (MODEL.workers / MODEL.serviceTime) * 1000;

/** What the simulation models and measures (the same for every run). */
const METHOD = `## The model

A discrete-event simulation: one \`FakeClock\` drives each breaker, and every random draw comes from a
seeded generator (mulberry32, \`bench/simulate/Random.ts\`), so a seed always gives the same table.
Breakers are driven without promises through \`tryAcquire()\`, with the permit settled when the
simulated call ends; a probe is a real promise, settled by the simulation. Minutes of traffic take
a fraction of a second.

**The dependency** (\`bench/simulate/Dependency.ts\`) is a small queueing model: ${MODEL.workers} workers, each
serving one request for an exponentially distributed time of mean ${MODEL.serviceTime} ms (a capacity of
${capacity} calls/s), and one FIFO queue in front of them. Latency is the wait plus the service time, so it
grows with utilisation, slowly at first and without bound past 1. The queue holds ${MODEL.queueLimit} requests;
one more is refused at once (a fast 503 after ${MODEL.busyLatency} ms). The server does not know when a client gives
up: a request whose client timed out still takes a worker when its turn comes. Past utilisation 1
the queue fills, every wait passes the client's timeout, and the server spends its whole capacity
on answers nobody waits for: goodput collapses until the load drops and the queue drains. Failures
therefore rise with load and fall back when it drops. Besides that, a served request fails at the
dependency's normal error rate, whatever the load. During an outage a request gets no answer at all
(the client's timeout ends it); during a brown-out every service time is longer, by 1 / capacity.

**The clients** are open-loop: Poisson arrivals at a fixed rate that do not slow down when the
dependency does, each with a 1 s timeout. A call refused by a breaker gets a fallback at once; it
is not goodput. Every variant of a scenario sees the same arrivals and the same per-call draws.

**The breakers** share \`resetTimeout: 10_000\` and otherwise breakwater's defaults (a count window of
100 calls, \`minimumCalls\` 10, one trial in half-open), with the variant's options on top; the
throttle and the jitter draw from the \`random\` option, seeded too. \`throttle\` and \`adaptive +
throttle\` keep their trip rule: throttling works alongside it (throttle while degraded, open while
dead).

**The measures**, per run, then the median over the seeds:
- *goodput*: successful calls per second, over the whole run and among the calls that arrived
  during the fault;
- *wasted calls*: client calls sent to a dependency that could not serve them (no answer, an
  answer after the timeout, refused by its full queue); its normal errors are not counted;
- *p99*: the 99th percentile of the latency clients saw, a refusal counting as 0 ms (the fallback
  answers at once);
- *detect*: from the fault's start to the first opening or throttled call during the fault;
- *recover*: from the fault's end to the first successful call after the last call lost to the fault
  (wasted or refused), lost calls belonging to the recovery while less than 10 s (or 20 calls' worth
  of traffic, when that is longer) separate them;
- *flaps*: openings of a closed breaker while the dependency was healthy (no fault, and it could
  answer a call in time);
- *refused while healthy*: calls a breaker refused (open or throttled) while the dependency was
  healthy: the price of a breaker's caution;
- *closed after*: from the fault's end until the breaker is closed (its own view of recovery);
  *probes*: the probes it ran, and how many failed.

A dash means the measure does not apply (no fault, no breaker); *missed*: the breaker never reacted
during the fault; *never*: it never recovered in the run.`;

/**
 * The whole report, \`bench/simulation.md\`: the model, then per scenario its table, the range over
 * the seeds and the reading.
 * @param results - Every scenario's results, in order.
 * @param context - Seeds, time taken, machine.
 * @param extra - A section after the scenarios (the learned threshold's), whose verdicts count too.
 * @returns The markdown, and every claim's verdict.
 */
export function markdownReport(
  results: readonly ScenarioResult[],
  context: ReportContext,
  extra?: { readonly markdown: string; readonly verdicts: readonly Pick<Verdict, 'verdict' | 'text'>[] },
): { markdown: string; verdicts: Pick<Verdict, 'verdict' | 'text'>[] } {
  const verdicts: Pick<Verdict, 'verdict' | 'text'>[] = [];
  const sections = results.map((result) => {
    const read = reading(result);
    verdicts.push(...read.verdicts);
    const { scenario } = result;
    const variants = scenario.variants.map((v) => `\`${v.id}\`: ${v.label}`).join('; ');
    return `## ${scenario.title}

${scenario.summary}

Variants: ${variants}.

${markdownTable(result)}

<details><summary>Range over the ${result.seeds.length} seeds</summary>

${markdownTable(result, showRange)}

</details>

${read.markdown}`;
  });
  if (extra !== undefined) {
    sections.push(extra.markdown);
    verdicts.push(...extra.verdicts);
  }
  const count = (verdict: Verdict['verdict']) => verdicts.filter((v) => v.verdict === verdict).length;
  const seeds = context.seeds;
  const markdown = `# Simulation: what adaptive protection buys

Generated by \`npm run simulate\` (${seeds.length} seeds, ${seeds[0]} to ${seeds.at(-1)}, in ${context.seconds} s; ${context.machine}).
Every number is the median over the seeds. Each scenario states what each feature is meant to buy,
and the run checks it, seed by seed. Claims that hold: ${count('holds')}; that do not: ${count('does not hold')}; within the
noise (the difference is under twice its standard error over the seeds): ${count('within the noise')}; not measured yet: ${count('pending')}
(a variant whose option this build does not have is reported as pending, and runs once it does).

The headlines (medians; \`·\`: the scenario does not compare that variant; each scenario's full table
and its reading follow the model):

${headlineTable(results)}

${METHOD}

${sections.join('\n\n')}
`;
  return { markdown, verdicts };
}
