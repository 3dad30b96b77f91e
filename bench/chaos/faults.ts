import type { FaultyProxy } from '../../test/support/FaultyProxy.js';
import type { RedisProcess } from './RedisProcess.js';

/** What a fault acts on: the Redis server, and the proxy every instance connects through. */
export interface FaultTarget {
  readonly redis: RedisProcess;
  readonly proxy: FaultyProxy;
}

/** One kind of fault of the chaos campaign. */
export interface Fault {
  readonly name: string;
  /** What it does, for the report. */
  readonly what: string;
  /**
   * Redis (or the link) stops answering while connections stay up: each instance must detect it
   * within `commandTimeout` (its detection time is measured).
   */
  readonly unresponsive: boolean;
  /** Starts the fault; `ms` is how long it will last. */
  begin(target: FaultTarget, ms: number): void | Promise<void>;
  /** Ends it (the campaign then waits for Redis to answer before it checks anything). */
  end(target: FaultTarget): void | Promise<void>;
}

const nothing = () => {};

/**
 * Every fault of DESIGN section 11's list: the server frozen, killed and restarted, paused, flushed,
 * its scripts flushed, out of memory; the link delaying, stalling, dropping bytes (both ways, or only
 * replies: out of step), half-closing and resetting.
 */
export const FAULTS: readonly Fault[] = [
  {
    name: 'sigstop',
    what: 'redis-server frozen (SIGSTOP), then SIGCONT',
    unresponsive: true,
    begin: ({ redis }) => redis.freeze(),
    end: ({ redis }) => redis.thaw(),
  },
  {
    name: 'kill-restart',
    what: 'redis-server killed (SIGKILL), restarted on the same port empty',
    unresponsive: false,
    begin: ({ redis }) => redis.kill(),
    end: ({ redis }) => redis.start(),
  },
  {
    name: 'client-pause',
    what: '`CLIENT PAUSE <ms> ALL` for the whole fault',
    unresponsive: true,
    begin: ({ redis }, ms) => void redis.cli('CLIENT', 'PAUSE', String(ms), 'ALL'),
    end: nothing, // the pause ends by itself (`CLIENT UNPAUSE` would wait for it)
  },
  {
    name: 'flushall',
    what: '`FLUSHALL`: every key lost (epochs, windows, leases, the index)',
    unresponsive: false,
    begin: ({ redis }) => void redis.cli('FLUSHALL'),
    end: nothing,
  },
  {
    name: 'script-flush',
    what: '`SCRIPT FLUSH`: every script answers NOSCRIPT once',
    unresponsive: false,
    begin: ({ redis }) => void redis.cli('SCRIPT', 'FLUSH'),
    end: nothing,
  },
  {
    name: 'oom',
    what: '`maxmemory 1mb`, `noeviction`, memory filled: every write refused with OOM',
    unresponsive: false,
    begin: ({ redis }) => {
      redis.cli('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
      redis.cli('SETRANGE', 'chaos:filler', '1100000', 'x');
      redis.cli('CONFIG', 'SET', 'maxmemory', '1mb');
    },
    end: ({ redis }) => {
      redis.cli('DEL', 'chaos:filler');
      redis.cli('CONFIG', 'SET', 'maxmemory', '0');
    },
  },
  {
    name: 'proxy-latency',
    what: 'the link adds 100 ms each way (well within commandTimeout)',
    unresponsive: false,
    begin: ({ proxy }) => {
      proxy.latency = 100;
    },
    end: ({ proxy }) => {
      proxy.latency = 0;
    },
  },
  {
    name: 'proxy-stall',
    what: 'the link holds every byte, then delivers them all late',
    unresponsive: true,
    begin: ({ proxy }) => {
      proxy.mode = 'stall';
    },
    end: ({ proxy }) => {
      proxy.mode = 'pass';
    },
  },
  {
    name: 'proxy-discard',
    what: 'the link drops every byte both ways, connections stay up',
    unresponsive: true,
    begin: ({ proxy }) => {
      proxy.mode = 'discard';
    },
    end: ({ proxy }) => {
      proxy.mode = 'pass';
    },
  },
  {
    name: 'proxy-discard-replies',
    what: 'the link drops what Redis answers (commands run, replies lost: out of step after)',
    unresponsive: true,
    begin: ({ proxy }) => {
      proxy.mode = 'discard-replies';
    },
    end: ({ proxy }) => {
      proxy.mode = 'pass';
    },
  },
  {
    name: 'proxy-half-close-client',
    what: 'the link sends each client a FIN (as if Redis closed) while the server side stays open',
    unresponsive: false,
    begin: ({ proxy }) => proxy.halfClose('client'),
    end: nothing,
  },
  {
    name: 'proxy-half-close-server',
    what: 'the link sends Redis a FIN (as if each client were done) while the client side stays open',
    unresponsive: false,
    begin: ({ proxy }) => proxy.halfClose('server'),
    end: nothing,
  },
  {
    name: 'proxy-reset',
    what: 'the link resets every connection (RST)',
    unresponsive: false,
    begin: ({ proxy }) => proxy.reset(),
    end: nothing,
  },
];
