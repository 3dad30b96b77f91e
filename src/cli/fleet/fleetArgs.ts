import { parseCommandLine } from '../parseCommandLine.js';
import { UsageError } from '../UsageError.js';

/** The options every fleet command takes. */
export interface FleetArgs {
  /** `redis://…` or `rediss://…`. */
  readonly redis: string;
  readonly namespace: string;
  readonly json: boolean;
  /** The positional arguments (a breaker's name). */
  readonly positionals: readonly string[];
  /** Any command-specific options, as strings. */
  readonly extra: Readonly<Record<string, string | undefined>>;
}

/**
 * Parses `--redis URL --namespace NS [--json]` plus `extra` string options.
 * @param command - The command's name, for messages.
 * @param args - The arguments after the command's name.
 * @param extra - Names of the command's own string options.
 * @throws {@link UsageError} for an unknown option (naming the closest), a missing or malformed `--redis`.
 */
export function fleetArgs(
  command: string,
  args: readonly string[],
  extra: readonly string[] = [],
): FleetArgs {
  const parsed = parseCommandLine(
    command,
    args,
    {
      redis: 'string',
      namespace: 'string',
      json: 'boolean',
      ...Object.fromEntries(extra.map((name) => [name, 'string' as const])),
    },
    true,
  );
  const { values, positionals } = parsed;
  const redis = (values.redis as string | undefined) ?? process.env.BREAKWATER_REDIS_URL;
  if (redis === undefined)
    throw new UsageError(
      `${command}: \`--redis <url>\` is required (or set BREAKWATER_REDIS_URL), e.g. --redis redis://127.0.0.1:6379.`,
    );
  if (!/^rediss?:\/\//.test(redis))
    throw new UsageError(
      `${command}: expected \`--redis\` to be a redis:// or rediss:// URL, got \`${redis}\`.`,
    );
  const namespace = (values.namespace as string | undefined) ?? 'breakwater';
  if (namespace === '' || /[{}]/.test(namespace))
    throw new UsageError(
      `${command}: expected \`--namespace\` to be a non-empty name without { or }, got \`${namespace}\`.`,
    );
  return {
    redis,
    namespace,
    json: values.json === true,
    positionals,
    extra: Object.fromEntries(extra.map((name) => [name, values[name] as string | undefined])),
  };
}
