import { hostname } from 'node:os';
import { expected } from '../options/describe.js';

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /**
   * The Redis client to make the store's own connections from (with `duplicate()`): an ioredis 5/6
   * client, an ioredis `Cluster`, or a node-redis 5+ client. The store never sends a command on it
   * and never closes it.
   */
  client: object;
  /** Prefix of every key and channel: `<namespace>:{<breaker>}:…`. @default 'breakwater' */
  namespace?: string;
  /** Ms within which outcomes of breakers with pending failures, or not closed, are sent. @default 250 */
  flushInterval?: number;
  /**
   * Ms within which success-only counts are sent. A breaker whose time window has shorter buckets
   * sends them every bucket instead (a 10 s window of 10 buckets: every second), so every valid
   * window is shared.
   * @default 2000
   */
  syncInterval?: number;
  /** Ms between resyncs of an idle breaker (presence, TTLs, missed messages). @default 10_000 */
  reconcileInterval?: number;
  /**
   * Distinct instances that must trip locally within the window before the fleet opens. With 1, any
   * instance's trip, local or shared, opens the breaker fleet-wide.
   * @default 1
   */
  quorum?: number;
  /** This instance's identity, for `quorum`. @default `<hostname>:<pid>` */
  instanceId?: string;
  /**
   * Ms a command of the store may take before it counts as failed. A connection on which a command
   * takes longer (Redis frozen or paused, a partition without a reset, replies out of step) is
   * treated as lost: destroyed and made anew, with breakers on their local rule meanwhile. Also
   * bounds `close()`.
   * @default 1000
   */
  commandTimeout?: number;
}

/** @internal The options with their defaults. */
export interface ResolvedRedisOptions {
  readonly client: object;
  readonly namespace: string;
  readonly flushInterval: number;
  readonly syncInterval: number;
  readonly reconcileInterval: number;
  readonly quorum: number;
  readonly instanceId: string;
  readonly commandTimeout: number;
  /** Ms every key outlives the last instance that refreshed it. */
  readonly margin: number;
}

const KEYS = [
  'client',
  'namespace',
  'flushInterval',
  'syncInterval',
  'reconcileInterval',
  'quorum',
  'instanceId',
  'commandTimeout',
];

function duration(name: string, value: unknown, fallback: number, min = 1, max = 3_600_000): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number')
    throw new TypeError(expected(name, `a duration in ms from ${min} to ${max}`, value));
  if (!(value >= min && value <= max))
    throw new RangeError(expected(name, `a duration in ms from ${min} to ${max}`, value));
  return value;
}

/**
 * @internal Checks the options and applies the defaults.
 * @throws TypeError for a wrong type or an unknown option, RangeError for a value out of range.
 */
export function resolveRedisOptions(options: RedisStoreOptions): ResolvedRedisOptions {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(expected('options', 'an object with a `client`', options));
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key))
      throw new TypeError(`Unknown RedisStore option \`${key}\`; the options are ${KEYS.join(', ')}`);
  }
  const { client, namespace = 'breakwater', instanceId, quorum = 1 } = options;
  if (typeof client !== 'object' || client === null)
    throw new TypeError(
      expected('client', 'an ioredis client (v5/v6), an ioredis Cluster or a node-redis v5+ client', client),
    );
  if (typeof namespace !== 'string' || namespace.length === 0 || /[{}]/.test(namespace))
    throw new TypeError(expected('namespace', 'a non-empty string without `{` or `}`', namespace));
  const flushInterval = duration('flushInterval', options.flushInterval, 250, 1, 60_000);
  const syncInterval = duration('syncInterval', options.syncInterval, Math.max(2_000, flushInterval));
  if (syncInterval < flushInterval)
    throw new RangeError(
      `Expected \`syncInterval\` to be at least \`flushInterval\` (${flushInterval} ms), got \`${syncInterval}\``,
    );
  const reconcileInterval = duration(
    'reconcileInterval',
    options.reconcileInterval,
    Math.max(10_000, syncInterval),
  );
  if (reconcileInterval < syncInterval)
    throw new RangeError(
      `Expected \`reconcileInterval\` to be at least \`syncInterval\` (${syncInterval} ms), got \`${reconcileInterval}\``,
    );
  if (typeof quorum !== 'number') throw new TypeError(expected('quorum', 'an integer >= 1', quorum));
  if (!Number.isInteger(quorum) || quorum < 1)
    throw new RangeError(expected('quorum', 'an integer >= 1', quorum));
  if (instanceId !== undefined && (typeof instanceId !== 'string' || instanceId.length === 0))
    throw new TypeError(expected('instanceId', 'a non-empty string', instanceId));
  const commandTimeout = duration('commandTimeout', options.commandTimeout, 1_000, 1, 60_000);
  return Object.freeze({
    client,
    namespace,
    flushInterval,
    syncInterval,
    reconcileInterval,
    quorum,
    instanceId: instanceId ?? `${hostname()}:${process.pid}`,
    commandTimeout,
    margin: Math.max(60_000, 3 * reconcileInterval),
  });
}
