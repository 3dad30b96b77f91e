/**
 * The Redis keys of one breaker: `<namespace>:{<breaker>}:<part>`, one hash slot per breaker (a name
 * with braces or `%` is percent-encoded in the tag: see {@link hashTag}).
 */
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
  const base = `${namespace}:{${hashTag(name)}}:`;
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
  return `${namespace}:{${hashTag(name)}}:seq:${token}`;
}

/**
 * A breaker's name as its keys' hash tag. Redis Cluster hashes what lies between the first `{` and
 * the next `}`, and the whole key when that is empty: a name starting with `}` would scatter one
 * breaker's keys over several slots, and its scripts would fail. A name holding `{`, `}` or `%` is
 * percent-encoded (the others are used as they are: an encoded name always holds a `%`, so no
 * two names share a tag).
 * @param name - The breaker's name.
 * @returns The tag, never empty and free of braces.
 */
export function hashTag(name: string): string {
  if (!/[{}%]/.test(name)) return name;
  return name.replace(/[{}%]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The sorted set of every breaker name in the namespace, scored by when it was last seen. */
export function indexKey(namespace: string): string {
  return `${namespace}:breakers`;
}

/** The channel on which shared transitions are published. */
export function transitionChannel(namespace: string): string {
  return `${namespace}:transitions`;
}
