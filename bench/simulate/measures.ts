import { isRefused, isWasted, type SimulationLog } from './SimulationLog.js';

/** When a run's fault was active, and the traffic it saw. */
export interface Timeline {
  /** Length of the run, in ms (calls arrive in [0, duration)). */
  readonly duration: number;
  /** Client calls per second. */
  readonly rate: number;
  /** The fault, if the scenario has one: active in [start, end). */
  readonly fault?: { readonly start: number; readonly end: number } | undefined;
  /**
   * Ms after which a breaker is taken to have settled (an adaptive limit learned its dependency):
   * the share of the calls it refuses while the dependency is healthy is counted from then on.
   * @default not measured
   */
  readonly settledAfter?: number | undefined;
}

/**
 * What one run achieved. `undefined` means "does not apply" (no fault, no breaker);
 * `Infinity` means "never happened".
 */
export interface Measures {
  /** Successful client calls per second, over the whole run. */
  readonly goodput: number;
  /** Successful client calls per second among those that arrived during the fault. */
  readonly faultGoodput: number | undefined;
  /** Client calls sent to a dependency that could not serve them (timed out, busy, down). */
  readonly wasted: number;
  /** Requests per second the dependency received during the fault, every attempt included. */
  readonly faultLoad: number | undefined;
  /** The 99th percentile of the latency clients saw, in ms (a refusal counts as 0 ms). */
  readonly p99: number;
  /** Ms from the fault's start to the first opening or throttled call during the fault. */
  readonly detect: number | undefined;
  /**
   * Ms from the fault's end until clients are served normally again: to the first successful call
   * after the last call lost to the fault (wasted or refused). Lost calls belong to the recovery
   * while they follow each other by less than {@link recoveryGap}.
   */
  readonly recover: number | undefined;
  /**
   * Openings of a closed breaker while the dependency was healthy (a failed trial re-opening an
   * open breaker is not a flap: the breaker had not closed).
   */
  readonly flaps: number | undefined;
  /** Client calls the breaker refused (open, throttled or limited) while the dependency was healthy. */
  readonly refusedWhileHealthy: number | undefined;
  /**
   * The share of the calls arriving while the dependency was healthy, after the timeline's
   * `settledAfter`, that the breaker refused, in percent.
   */
  readonly refusedShare: number | undefined;
  /** Ms from the fault's end until the breaker is closed (0 if it was closed then). */
  readonly closedAfter: number | undefined;
  /** Probes the breaker ran, and how many of them failed. */
  readonly probes: number;
  readonly failedProbes: number;
}

/**
 * The gap without a lost call that ends a recovery: 10 s, or 20 calls' worth at low traffic.
 * @param rate - Client calls per second.
 * @returns Ms.
 */
export function recoveryGap(rate: number): number {
  return Math.max(10_000, 20_000 / rate);
}

/**
 * Computes the measures of one run from its log. Detection counts a throttled or limited call during
 * the fault like an opening.
 * @param log - The run's log.
 * @param timeline - The run's length, traffic and fault.
 * @returns The measures.
 */
export function measure(log: SimulationLog, timeline: Timeline): Measures {
  const { calls, transitions, probes } = log;
  const fault = timeline.fault;
  let successes = 0;
  let faultSuccesses = 0;
  let wasted = 0;
  let refusedWhileHealthy = 0;
  const settled = timeline.settledAfter;
  let callsSettled = 0;
  let refusedSettled = 0;
  const latencies = new Float64Array(calls.length);
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i]!;
    latencies[i] = call.latency;
    if (settled !== undefined && call.at >= settled && call.healthy) {
      callsSettled++;
      if (isRefused(call.outcome)) refusedSettled++;
    }
    if (call.outcome === 'success') {
      successes++;
      if (fault !== undefined && call.at >= fault.start && call.at < fault.end) faultSuccesses++;
    } else if (isWasted(call.outcome)) {
      wasted++;
    } else if (isRefused(call.outcome) && call.healthy) {
      refusedWhileHealthy++;
    }
  }
  const failedProbes = probes.filter((p) => !p.ok).length;
  return {
    goodput: successes / (timeline.duration / 1000),
    faultGoodput: fault === undefined ? undefined : faultSuccesses / ((fault.end - fault.start) / 1000),
    wasted,
    faultLoad: fault === undefined ? undefined : log.sentInFault / ((fault.end - fault.start) / 1000),
    p99: percentile(latencies, 0.99),
    detect: fault === undefined || !log.breaker ? undefined : detection(log, fault),
    recover: fault === undefined ? undefined : recovery(log, fault.end, recoveryGap(timeline.rate)),
    flaps: log.breaker
      ? transitions.filter((t) => t.from === 'closed' && t.to === 'open' && t.healthy).length
      : undefined,
    refusedWhileHealthy: log.breaker ? refusedWhileHealthy : undefined,
    refusedShare:
      log.breaker && settled !== undefined ? (100 * refusedSettled) / Math.max(1, callsSettled) : undefined,
    closedAfter: fault === undefined || !log.breaker ? undefined : closedAfter(log, fault.end),
    probes: probes.length,
    failedProbes,
  };
}

/**
 * The nearest-rank percentile (the smallest value with at least a share `q` of the values at or
 * below it); 0 for no values.
 * @param values - The values (sorted in place).
 * @param q - The share, in (0, 1].
 * @returns The percentile.
 */
export function percentile(values: Float64Array, q: number): number {
  if (values.length === 0) return 0;
  values.sort();
  return values[Math.max(0, Math.ceil(q * values.length) - 1)]!;
}

function detection(log: SimulationLog, fault: { start: number; end: number }): number {
  let first = Number.POSITIVE_INFINITY;
  for (const t of log.transitions) {
    if (t.to === 'open' && t.at >= fault.start && t.at < fault.end) {
      first = t.at;
      break;
    }
  }
  for (const call of log.calls) {
    if (call.at >= first || call.at >= fault.end) break;
    if ((call.outcome === 'throttled' || call.outcome === 'limited') && call.at >= fault.start) {
      first = call.at;
      break;
    }
  }
  return first - fault.start;
}

function recovery(log: SimulationLog, end: number, gap: number): number {
  let lastLost: number | undefined;
  let previous = end;
  let recovered = Number.POSITIVE_INFINITY;
  for (const call of log.calls) {
    if (call.at < end) continue;
    if (isWasted(call.outcome) || isRefused(call.outcome)) {
      if (call.at - previous >= gap) break;
      lastLost = previous = call.at;
      recovered = Number.POSITIVE_INFINITY;
    } else if (call.outcome === 'success') {
      if (recovered === Number.POSITIVE_INFINITY) recovered = call.at;
      if (call.at - previous >= gap) break;
    }
  }
  return lastLost === undefined ? 0 : recovered - end;
}

function closedAfter(log: SimulationLog, end: number): number {
  let state = 'closed';
  for (const t of log.transitions) {
    if (t.at >= end) {
      if (state === 'closed') return 0;
      if (t.to === 'closed') return t.at - end;
    }
    state = t.to;
  }
  return state === 'closed' ? 0 : Number.POSITIVE_INFINITY;
}
