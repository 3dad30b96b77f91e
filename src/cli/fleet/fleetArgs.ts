import { parseArgs } from 'node:util';
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
 * @throws {@link UsageError} for an unknown option, a missing or malformed `--redis`.
 */
export function fleetArgs(
  command: string,
  args: readonly string[],
  extra: readonly string[] = [],
): FleetArgs {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        redis: { type: 'string' },
        namespace: { type: 'string' },
        json: { type: 'boolean' },
        ...Object.fromEntries(extra.map((name) => [name, { type: 'string' as const }])),
      },
    });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}. See \`breakwater ${command} --help\`.`);
  }
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
