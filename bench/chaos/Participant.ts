import type { FleetStatus } from '../../src/index.js';
import { describe, Instance, type InstanceStats } from './Instance.js';
import { Member, type MemberMessage, type MemberStats } from './Member.js';
import type { MemberConfig } from './protocol.js';

/** A `list()` as an instance saw it. */
export interface Listing {
  ok: boolean;
  statuses?: FleetStatus[];
  error?: string;
}

/**
 * One instance of the campaign's fleet, in a process of its own or in the campaign's process: the
 * same questions and the same record (state changes, storeErrors, fatal errors, with their times).
 */
export interface Participant {
  readonly id: string;
  /** Whether it runs in a child process (only those are closed and replaced mid-fault). */
  readonly isProcess: boolean;
  stats(): Promise<InstanceStats>;
  setDependency(healthy: boolean): Promise<void>;
  control(op: 'forceOpen' | 'reset'): Promise<void>;
  list(): Promise<Listing>;
  /** Closes it: the `store.close()` time, and for a process the ms until it exited on its own. */
  close(): Promise<{ closeMs: number; exitMs?: number; stats: InstanceStats }>;
  /** Kills it at once (cleanup). */
  kill(): void;
  /** Its storeErrors: when (Date.now()) and what. */
  readonly storeErrors: Array<{ t: number; text: string }>;
  /** Unhandled rejections and uncaught exceptions it reported, with their times. */
  readonly fatal: Array<{ t: number; text: string }>;
}

/** A participant in a child process (bench/chaos/member-process.ts). */
export async function processParticipant(config: MemberConfig, interval: number): Promise<Participant> {
  const member = new Member(config);
  const storeErrors: Array<{ t: number; text: string }> = [];
  const fatal: Array<{ t: number; text: string }> = [];
  const seen = { count: 0 };
  const collect = () => {
    for (const message of member.messages.slice(seen.count)) record(message);
    seen.count = member.messages.length;
  };
  const record = (message: MemberMessage) => {
    if (message.ev === 'storeError') storeErrors.push({ t: Number(message.t), text: String(message.error) });
    else if (message.ev === 'fatal') fatal.push({ t: Date.now(), text: `${message.kind}: ${message.error}` });
  };
  let closing = false;
  void member.exited().then((code) => {
    if (!closing)
      fatal.push({
        t: Date.now(),
        text: `exited (code ${code}) without being closed: ${member.stderr.slice(-500)}`,
      });
  });
  await member.ready();
  member.send({ cmd: 'run', interval });
  const stats = async (): Promise<InstanceStats> => {
    const reply = await member.ask<MemberStats>({ cmd: 'stats' }, 'stats');
    collect();
    return reply as unknown as InstanceStats;
  };
  return {
    id: config.id,
    isProcess: true,
    get storeErrors() {
      collect();
      return storeErrors;
    },
    get fatal() {
      collect();
      return fatal;
    },
    stats,
    async setDependency(healthy) {
      await member.ask({ cmd: 'dep', healthy }, 'dep');
    },
    async control(op) {
      await member.ask({ cmd: 'control', op }, 'control');
    },
    async list() {
      const reply = await member.ask({ cmd: 'list' }, 'list');
      return reply as unknown as Listing;
    },
    async close() {
      closing = true;
      const closed = await member.ask<MemberStats>({ cmd: 'close' }, 'closed');
      const at = performance.now();
      const code = await Promise.race([
        member.exited(),
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000)),
      ]);
      collect();
      const exitMs = code === 'timeout' ? Number.POSITIVE_INFINITY : performance.now() - at;
      if (code === 'timeout') member.kill();
      return { closeMs: Number(closed.ms), exitMs, stats: closed as unknown as InstanceStats };
    },
    kill() {
      closing = true;
      member.kill();
    },
  };
}

/**
 * A participant in the campaign's own process: the unhandled rejections and uncaught exceptions of
 * this process are its `fatal` record (listened for until it is closed).
 */
export function localParticipant(config: MemberConfig, interval: number): Participant {
  const storeErrors: Array<{ t: number; text: string }> = [];
  const fatal: Array<{ t: number; text: string }> = [];
  const onRejection = (error: unknown) =>
    fatal.push({ t: Date.now(), text: `unhandledRejection: ${describe(error)}` });
  const onException = (error: unknown) =>
    fatal.push({ t: Date.now(), text: `uncaughtException: ${describe(error)}` });
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  const instance = new Instance(config, {
    state: () => {},
    storeError: (error) => storeErrors.push({ t: Date.now(), text: describe(error) }),
  });
  instance.run(interval);
  let closed = false;
  const detach = () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
  return {
    id: config.id,
    isProcess: false,
    storeErrors,
    fatal,
    stats: async () => instance.stats(),
    async setDependency(healthy) {
      instance.healthy = healthy;
    },
    async control(op) {
      instance.breaker[op]();
    },
    list: () =>
      instance.store.list().then(
        (statuses) => ({ ok: true, statuses }),
        (error: unknown) => ({ ok: false, error: describe(error) }),
      ),
    async close() {
      const closeMs = await instance.close();
      closed = true;
      // Whatever the store's connections do as they go is still watched for a moment.
      await new Promise((resolve) => setTimeout(resolve, 200));
      detach();
      return { closeMs, stats: instance.stats() };
    },
    kill() {
      if (!closed) void instance.close().finally(detach);
    },
  };
}
