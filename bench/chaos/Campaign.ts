import { FaultyProxy } from '../../test/support/FaultyProxy.js';
import { poll } from '../lib/redis-server.js';
import { Random } from '../simulate/Random.js';
import type { Fault, FaultTarget } from './faults.js';
import type { InstanceStats } from './Instance.js';
import { localParticipant, type Participant, processParticipant } from './Participant.js';
import type { MemberConfig } from './protocol.js';
import { RedisProcess } from './RedisProcess.js';

/** How a campaign runs. */
export interface CampaignOptions {
  /** Instances in child processes. */
  processes: number;
  /** Whether one more instance runs in the campaign's own process. */
  inProcess: boolean;
  /** The faults to run. */
  faults: readonly Fault[];
  /** `each`: every fault once, in order; `random`: faults drawn by `seed` until `duration` has passed. */
  schedule: 'each' | 'random';
  seed: number;
  /**
   * Ms of faults for a `random` schedule, from when the fleet is up: no fault starts after it (at
   * least one runs).
   */
  duration: number;
  /** How long a fault lasts, ms: drawn in [min, max]. */
  faultMs: readonly [number, number];
  /** Close (and replace) one process instance in the middle of every unresponsive fault. */
  closeDuringFaults: boolean;
  /** The stores' `commandTimeout`. */
  commandTimeout: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** What one fault did and what held. */
export interface Episode {
  fault: string;
  ms: number;
  /** Calls made, admitted and refused over all instances while the fault lasted. */
  made: number;
  admitted: number;
  refused: number;
  /** The fewest calls one instance admitted in the fault's last second (0: a breaker stuck refusing). */
  admittedLastSecond: number;
  storeErrors: number;
  /** What the storeErrors said (distinct texts, a few). */
  storeErrorSamples: string[];
  /** Per instance alive through an unresponsive fault: ms from its start to the store's first report. */
  detection: number[];
  /** Ms from the fault's end until `list()` answered. */
  reconnect: number;
  /** Ms from the fault's end until every instance and the fleet read `closed`. */
  converge: number;
  /**
   * The instance closed during the fault: when (ms into the fault), how long `store.close()` took,
   * and how long its process took to exit after.
   */
  close?: { ms: number; exitMs: number; at: number };
  violations: string[];
}

/** The whole campaign. */
export interface CampaignResult {
  episodes: Episode[];
  instances: number;
  /** Over every instance, for the whole campaign. */
  totals: InstanceStats['counts'] & { storeErrors: number; replaced: number };
  /** The shared `calls` total Redis holds at the end (since the keys were last lost). */
  redisCalls: number;
  violations: string[];
  ms: number;
}

const INTERVAL = 5;
/** The dependency fails this long before a fault starts, and goes on failing this long into it. */
const TRIP_MS = 400;
const RECOVER_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * A chaos campaign against the fleet store (DESIGN section 11): a real `redis-server`, a
 * {@link FaultyProxy} in front of it, and instances of one shared breaker (child processes, and one
 * in this process) calling a dependency every 5 ms. The dependency fails from 400 ms before each
 * fault to 200 ms into it: the fleet opens while Redis answers, and its half-open rounds fall in the
 * fault, where each instance must recover on its own if the store cannot help. Each fault
 * ends with checks: the instances kept admitting calls on local state, no caller saw an error from
 * the store, no unhandled rejection or uncaught exception, every instance and the fleet read
 * `closed` again, manual control reaches every instance, `close()` was bounded, and the calls Redis
 * counted never exceed the calls admitted.
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const random = new Random(options.seed);
  const redis = new RedisProcess();
  await redis.start();
  const proxy = new FaultyProxy(redis.port);
  await proxy.listen();
  const target: FaultTarget = { redis, proxy };
  const namespace = `chaos-${process.pid}-${options.seed}`;
  let serial = 0;
  const config = (): MemberConfig => ({
    id: `i${++serial}`,
    port: proxy.port,
    namespace,
    store: {
      flushInterval: 100,
      syncInterval: 1_000,
      reconcileInterval: 5_000,
      commandTimeout: options.commandTimeout,
    },
    breaker: { failureThreshold: 5, resetTimeout: 500 },
  });
  const alive: Participant[] = [];
  const gone: InstanceStats[] = [];
  const everyone: Participant[] = [];
  const join = (participant: Participant) => {
    alive.push(participant);
    everyone.push(participant);
    return participant;
  };
  const episodes: Episode[] = [];
  const violations: string[] = [];
  /** Fatal errors already reported, per participant. */
  const reported = new Map<Participant, number>();
  const newFatal = (): string[] =>
    everyone.flatMap((p) => {
      const fresh = p.fatal.slice(reported.get(p) ?? 0);
      reported.set(p, p.fatal.length);
      return fresh.map((f) => `${p.id}: ${f.text}`);
    });
  try {
    const starting = Array.from({ length: options.processes }, () => processParticipant(config(), INTERVAL));
    for (const participant of await Promise.all(starting)) join(participant);
    if (options.inProcess) join(localParticipant(config(), INTERVAL));
    log(`${alive.length} instances on redis-server :${redis.port} through a proxy :${proxy.port}`);
    await settle(alive);
    log('fleet up');

    const faultsFrom = performance.now();
    let index = 0;
    while (true) {
      const fault =
        options.schedule === 'each'
          ? options.faults[index]
          : index === 0 || performance.now() - faultsFrom < options.duration
            ? options.faults[Math.floor(random.next() * options.faults.length)]
            : undefined;
      if (fault === undefined) break;
      index++;
      const [min, max] = options.faultMs;
      const ms = Math.round(min + random.next() * (max - min));
      const episode = await runEpisode(fault, ms);
      episodes.push(episode);
      violations.push(...episode.violations.map((v) => `${fault.name} #${index}: ${v}`));
      log(summary(episode));
    }
  } finally {
    for (const participant of alive) {
      const closed = await participant.close().catch(() => undefined);
      if (closed !== undefined) gone.push(closed.stats);
      else participant.kill();
    }
    violations.push(...newFatal());
    await proxy.close();
  }
  const redisCalls = Number(redis.cli('HGET', `${namespace}:{dep}:state`, 'calls') || 0);
  await redis.dispose();
  const totals = {
    made: 0,
    admitted: 0,
    refused: 0,
    succeeded: 0,
    failed: 0,
    foreign: 0,
    storeErrors: 0,
    replaced: 0,
  };
  for (const stats of gone) {
    for (const key of ['made', 'admitted', 'refused', 'succeeded', 'failed', 'foreign'] as const)
      totals[key] += stats.counts[key];
    totals.replaced += stats.store.replaced;
  }
  totals.storeErrors = everyone.reduce((sum, p) => sum + p.storeErrors.length, 0);
  if (redisCalls > totals.admitted)
    violations.push(`Redis counted ${redisCalls} calls, more than the ${totals.admitted} admitted`);
  return {
    episodes,
    instances: everyone.length,
    totals,
    redisCalls,
    violations,
    ms: performance.now() - started,
  };

  async function runEpisode(fault: Fault, ms: number): Promise<Episode> {
    const v: string[] = [];
    const through = [...alive]; // alive through the whole fault, unless closed below
    // The dependency fails from just before the fault: the breakers trip and the fleet opens while
    // Redis still answers, so that half-open rounds (which take the fleet's lease) fall in the fault.
    await Promise.all(through.map((p) => p.setDependency(false)));
    await sleep(TRIP_MS);
    const before = new Map((await snapshot(through)).map((stats, i) => [through[i]!, stats]));
    const t0 = Date.now();
    await fault.begin(target, ms);
    // During an unresponsive fault one process instance is closed, at a time drawn in its first half
    // (before or after the store noticed): close() must be bounded and the process must exit on its
    // own. A new instance starts in its place; the rest of the fault goes on meanwhile.
    let closing: Promise<{ close: NonNullable<Episode['close']>; replacement: Participant }> | undefined;
    const victim =
      options.closeDuringFaults && fault.unresponsive ? through.find((p) => p.isProcess) : undefined;
    if (victim !== undefined) {
      through.splice(through.indexOf(victim), 1);
      alive.splice(alive.indexOf(victim), 1);
      const at = Math.round(50 + random.next() * (ms / 2));
      closing = (async () => {
        await sleep(at - (Date.now() - t0));
        const closed = await victim.close();
        gone.push(closed.stats);
        const replacement = await processParticipant(config(), INTERVAL);
        return { close: { ms: closed.closeMs, exitMs: closed.exitMs ?? 0, at }, replacement };
      })();
    }
    await sleep(RECOVER_MS);
    await Promise.all(through.map((p) => p.setDependency(true)));
    await sleep(ms - 1_000 - (Date.now() - t0));
    const lastSecond = await snapshot(through);
    await sleep(ms - (Date.now() - t0));
    const after = await snapshot(through);
    await fault.end(target);
    let close: Episode['close'];
    if (closing !== undefined) {
      const closed = await closing;
      close = closed.close;
      join(closed.replacement);
      if (close.ms > options.commandTimeout + 1_500)
        v.push(`close() took ${close.ms.toFixed(0)} ms (commandTimeout ${options.commandTimeout})`);
      if (!(close.exitMs < 10_000)) v.push('the closed instance’s process did not exit on its own');
    }
    const ended = performance.now();
    const endedAt = Date.now();
    /** Every instance's state, and what its store reported since the fault ended. */
    const why = async () => {
      const parts = await Promise.all(
        alive.map(async (p) => {
          const told = p.storeErrors
            .filter(({ t }) => t >= endedAt)
            .map(({ t, text }) => `+${t - endedAt} ms ${text}`);
          return `${p.id} ${(await p.stats()).state}${told.length > 0 ? ` (${told.join('; ')})` : ''}`;
        }),
      );
      return parts.join(', ');
    };
    await redis.answers();

    const episode: Episode = {
      fault: fault.name,
      ms,
      made: 0,
      admitted: 0,
      refused: 0,
      admittedLastSecond: Number.POSITIVE_INFINITY,
      storeErrors: 0,
      storeErrorSamples: [],
      detection: [],
      reconnect: Number.NaN,
      converge: Number.NaN,
      violations: v,
    };
    if (close !== undefined) episode.close = close;
    for (const [i, p] of through.entries()) {
      const a = after[i]!;
      const b = before.get(p)!;
      const l = lastSecond[i]!;
      episode.made += a.counts.made - b.counts.made;
      episode.admitted += a.counts.admitted - b.counts.admitted;
      episode.refused += a.counts.refused - b.counts.refused;
      const last = a.counts.admitted - l.counts.admitted;
      episode.admittedLastSecond = Math.min(episode.admittedLastSecond, last);
      if (a.counts.foreign > b.counts.foreign)
        v.push(`${p.id}: a caller saw an error that was not the dependency's: ${a.foreignSample}`);
      if (ms >= 2_500 && last === 0)
        v.push(`${p.id} admitted no call in the fault's last second (${a.state})`);
      if (ms >= 2_500 && a.state !== 'closed')
        v.push(`${p.id} was ${a.state} at the fault's end: it did not recover on its local state`);
      const errors = p.storeErrors.filter(({ t }) => t >= t0 && t <= t0 + ms);
      episode.storeErrors += errors.length;
      for (const { text } of errors) {
        const short = text.replace(/\d+/g, 'N').slice(0, 160);
        if (episode.storeErrorSamples.length < 4 && !episode.storeErrorSamples.includes(short))
          episode.storeErrorSamples.push(short);
      }
      if (fault.unresponsive) {
        const first = errors[0]?.t;
        if (first === undefined) v.push(`${p.id}: the unresponsive link was never reported (no storeError)`);
        else {
          episode.detection.push(first - t0);
          if (first - t0 > options.commandTimeout + 1_000)
            v.push(`${p.id}: detected after ${first - t0} ms (commandTimeout ${options.commandTimeout})`);
        }
      }
    }
    // Reconciliation: the fleet's view answers, then every instance and the fleet read `closed`.
    const reconnect = await until(async () => (await alive[0]!.list()).ok, 'list() to answer', 20_000);
    episode.reconnect = performance.now() - ended;
    if (reconnect === undefined) v.push('list() did not answer within 20 s of the fault’s end');
    const converged = await until(
      async () => {
        const states = await Promise.all(alive.map(async (p) => (await p.stats()).state));
        const fleet = (await alive[0]!.list()).statuses?.find((s) => s.name === 'dep')?.state;
        return states.every((s) => s === 'closed') && fleet === 'closed';
      },
      'every instance and the fleet to read closed',
      30_000,
    );
    episode.converge = performance.now() - ended;
    if (converged === undefined) {
      const fleet = (await alive[0]!.list()).statuses?.find((s) => s.name === 'dep');
      v.push(`no convergence within 30 s: fleet ${fleet?.state ?? 'unknown'}, ${await why()}`);
    }
    // Manual control reaches every instance again.
    await alive[0]!.control('forceOpen');
    const forced = await until(
      async () => (await Promise.all(alive.map((p) => p.stats()))).every((s) => s.state === 'forced_open'),
      'forceOpen to reach every instance',
      15_000,
    );
    if (forced === undefined) v.push(`forceOpen did not reach every instance within 15 s: ${await why()}`);
    await alive[0]!.control('reset');
    const reset = await until(
      async () => (await Promise.all(alive.map((p) => p.stats()))).every((s) => s.state === 'closed'),
      'reset to reach every instance',
      15_000,
    );
    if (reset === undefined) v.push(`reset did not reach every instance within 15 s: ${await why()}`);
    v.push(...newFatal());
    const counted = Number(redis.cli('HGET', `${namespace}:{dep}:state`, 'calls') || 0);
    const admitted =
      (await snapshot(alive)).reduce((sum, s) => sum + s.counts.admitted, 0) +
      gone.reduce((sum, s) => sum + s.counts.admitted, 0);
    if (counted > admitted) v.push(`Redis counted ${counted} calls, more than the ${admitted} admitted`);
    if (!Number.isFinite(episode.admittedLastSecond)) episode.admittedLastSecond = 0;
    return episode;
  }
}

/** Waits until the fleet's view answers and every instance reads `closed` (before the first fault). */
async function settle(alive: Participant[]): Promise<void> {
  const done = await until(
    async () => {
      const listing = await alive[0]!.list();
      const states = await Promise.all(alive.map(async (p) => (await p.stats()).state));
      return listing.ok && states.every((s) => s === 'closed');
    },
    'the fleet to come up',
    30_000,
  );
  if (done === undefined) throw new Error('The fleet did not come up within 30 s');
}

/** Polls `condition`; resolves with the ms it took, or `undefined` after `timeout`. */
async function until(
  condition: () => Promise<boolean>,
  what: string,
  timeout: number,
): Promise<number | undefined> {
  const started = performance.now();
  try {
    await poll(condition, what, timeout, 100);
    return performance.now() - started;
  } catch {
    return undefined;
  }
}

async function snapshot(participants: readonly Participant[]): Promise<InstanceStats[]> {
  return Promise.all(participants.map((p) => p.stats()));
}

function summary(e: Episode): string {
  const detection = e.detection.length > 0 ? ` detected ${Math.max(...e.detection)} ms` : '';
  const close = e.close === undefined ? '' : ` close at ${e.close.at} ms took ${e.close.ms.toFixed(0)} ms`;
  return (
    `${e.fault.padEnd(22)} ${String(e.ms).padStart(5)} ms: admitted ${e.admitted}/${e.made}, ` +
    `last second ≥ ${e.admittedLastSecond}, storeErrors ${e.storeErrors}${detection}${close}, ` +
    `list() back ${e.reconnect.toFixed(0)} ms, converged ${e.converge.toFixed(0)} ms` +
    (e.violations.length > 0 ? `\n  VIOLATIONS: ${e.violations.join('; ')}` : '')
  );
}
