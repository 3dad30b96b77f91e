import type { ExportBuckets } from '../exporters/exportBuckets.js';
import { type BreakerReading, OUTCOMES, STATES, transitionCounts } from '../exporters/readRegistry.js';
import { CollectedMetric, type Sample } from './CollectedMetric.js';

/**
 * @internal The metrics `registerMetrics` exports, named `<prefix><suffix>`, each computed at scrape
 * time from `read()` (one reading shared by the whole scrape); the duration histogram over `buckets`.
 */
export function metricFamilies(
  prefix: string,
  read: () => BreakerReading[],
  buckets: ExportBuckets,
): CollectedMetric[] {
  const bounds = buckets.bounds;
  const each =
    (lines: (reading: BreakerReading, name: string, into: Sample[]) => void) =>
    (name: string): Sample[] => {
      const samples: Sample[] = [];
      for (const reading of read()) lines(reading, name, samples);
      return samples;
    };
  return [
    new CollectedMetric(
      `${prefix}state`,
      'Circuit breaker state: 1 for the current state, 0 for the others (a keyed group: its worst breaker state).',
      'gauge',
      'max',
      each((r, _, into) => {
        for (const state of STATES)
          into.push({ labels: { name: r.name, state }, value: r.state === state ? 1 : 0 });
      }),
    ),
    new CollectedMetric(
      `${prefix}calls_total`,
      'Calls through the circuit breaker by outcome; a timed-out call counts as timeout only.',
      'counter',
      'sum',
      each((r, _, into) => {
        for (const outcome of OUTCOMES)
          into.push({ labels: { name: r.name, outcome }, value: r.calls[outcome] });
      }),
    ),
    new CollectedMetric(
      `${prefix}call_duration_seconds`,
      'Duration of the timed calls through the circuit breaker (every call with a timeout, else sampled: latencySampling), in seconds.',
      'histogram',
      'sum',
      each((r, name, into) => {
        const latency = r.latency;
        if (latency === undefined) return;
        const counts = buckets.cumulative(latency);
        const bucket = `${name}_bucket`;
        for (let j = 0; j < bounds.length; j++) {
          into.push({
            labels: { name: r.name, le: bounds[j]! },
            value: counts[j]!,
            metricName: bucket,
          });
        }
        into.push({ labels: { name: r.name, le: '+Inf' }, value: latency.count, metricName: bucket });
        into.push({ labels: { name: r.name }, value: latency.sum / 1000, metricName: `${name}_sum` });
        into.push({ labels: { name: r.name }, value: latency.count, metricName: `${name}_count` });
      }),
    ),
    new CollectedMetric(
      `${prefix}failure_rate`,
      "Failures / calls in the circuit breaker's window (0 to 1; frozen while open).",
      'gauge',
      'average',
      each((r, _, into) => {
        into.push({ labels: { name: r.name }, value: r.failureRate });
      }),
    ),
    new CollectedMetric(
      `${prefix}transitions_total`,
      'State transitions of the circuit breaker, by from and to state.',
      'counter',
      'sum',
      each((r, _, into) => {
        for (const [from, to, count] of transitionCounts(r.transitions)) {
          into.push({ labels: { name: r.name, from, to }, value: count });
        }
      }),
    ),
    new CollectedMetric(
      `${prefix}slow_calls_total`,
      'Calls slower than slowCallDuration (timed only with a slow-call rule or a success, failure or slowCall listener).',
      'counter',
      'sum',
      each((r, _, into) => {
        into.push({ labels: { name: r.name }, value: r.slowCalls });
      }),
    ),
    new CollectedMetric(
      `${prefix}fallbacks_total`,
      'Fallbacks the circuit breaker served.',
      'counter',
      'sum',
      each((r, _, into) => {
        into.push({ labels: { name: r.name }, value: r.fallbacks });
      }),
    ),
    new CollectedMetric(
      `${prefix}group_breakers`,
      'Breakers of a keyed group per state.',
      'gauge',
      'sum',
      each((r, _, into) => {
        const members = r.members;
        if (members === undefined) return;
        for (const state of STATES) into.push({ labels: { name: r.name, state }, value: members[state] });
      }),
    ),
  ];
}
