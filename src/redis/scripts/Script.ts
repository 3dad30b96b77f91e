import { createHash } from 'node:crypto';
import type { RedisConnection } from '../adapters/RedisConnection.js';

/**
 * A Lua script run by `EVALSHA`, falling back to `EVAL` (which also caches it) when Redis answers
 * `NOSCRIPT` (after a restart, a `SCRIPT FLUSH` or on a new cluster node).
 */
export class Script {
  readonly source: string;
  readonly sha: string;

  /** @param source - The Lua source. */
  constructor(source: string) {
    this.source = source;
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /**
   * Runs the script.
   * @param connection - Where to send it.
   * @param keys - Its KEYS (all in one hash slot).
   * @param args - Its ARGV.
   * @returns The script's reply.
   * @throws (rejects) what the connection rejects with, other than NOSCRIPT.
   */
  async run(
    connection: RedisConnection,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await connection.send('EVALSHA', [this.sha, keys.length, ...keys, ...args]);
    } catch (error) {
      if (!String((error as Error | undefined)?.message ?? error).includes('NOSCRIPT')) throw error;
      return connection.send('EVAL', [this.source, keys.length, ...keys, ...args]);
    }
  }
}
