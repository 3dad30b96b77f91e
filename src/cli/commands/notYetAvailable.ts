import type { Command } from '../Command.js';
import { UsageError } from '../UsageError.js';

/**
 * A command that is announced but arrives with a later release: it answers with a clear
 * "not available yet" usage error (exit code 2) instead of "unknown command".
 * @param name - The command's name.
 * @param summary - What it will do, for `breakwater --help`.
 * @param arrivesWith - What brings it, e.g. "shared state through Redis (breakwater/redis)".
 */
export function notYetAvailable(name: string, summary: string, arrivesWith: string): Command {
  const message =
    `\`breakwater ${name}\` is not available yet: it arrives with ${arrivesWith}.\n` +
    'Try `breakwater demo` to watch a breaker at work.\n';
  return {
    name,
    summary: `${summary} (not available yet)`,
    help: message,
    run: () => Promise.reject(new UsageError(message)),
  };
}
