/** The Redis keys of one breaker: `<namespace>:{<breaker>}:<part>`, one hash slot per breaker. */
export interface BreakerKeys {
  /** Hash: epoch, state, open deadline, backoff attempt, failure run, totals, rule hash. */
  readonly state: string;
  /** Hash: the shared window's buckets of the current epoch (`<width>:<bucket>:c|f|s`). */
  readonly window: string;
  /** Sorted set: instances that tripped locally (towards `quorum`), scored by time. */
  readonly trips: string;
  /** String: the half-open lease, `<epoch>:<holder>`. */
  readonly lease: string;
  /** Sorted set: bound instances, scored by the time their presence expires. */
  readonly presence: string;
}

/**
 * The keys of breaker `name` in `namespace`. The hash tag `{<name>}` puts them in one slot, so a
 * script may touch them all on Redis Cluster.
 * @param namespace - The store's namespace.
 * @param name - The breaker's name.
 * @returns The keys, in the order the scripts take them.
 */
export function breakerKeys(namespace: string, name: string): BreakerKeys {
  const base = `${namespace}:{${name}}:`;
  return {
    state: `${base}state`,
    window: `${base}window`,
    trips: `${base}trips`,
    lease: `${base}lease`,
    presence: `${base}presence`,
  };
}

/** The keys a script takes, in order (the scripts read `KEYS[1..5]`). */
export function keyList(keys: BreakerKeys): string[] {
  return [keys.state, keys.window, keys.trips, keys.lease, keys.presence];
}

/** The per-instance sequence key of a binding (Redis 7.0 has no per-field expiry). */
export function sequenceKey(namespace: string, name: string, token: string): string {
  return `${namespace}:{${name}}:seq:${token}`;
}

/** The sorted set of every breaker name in the namespace, scored by when it was last seen. */
export function indexKey(namespace: string): string {
  return `${namespace}:breakers`;
}

/** The channel on which shared transitions are published. */
export function transitionChannel(namespace: string): string {
  return `${namespace}:transitions`;
}
