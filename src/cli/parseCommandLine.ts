import { parseArgs } from 'node:util';
import { closestName } from '../options/closestName.js';
import { UsageError } from './UsageError.js';

/** A command's options by long name (`redis` for `--redis`): strings take a value, booleans do not. */
export type OptionSpec = Readonly<Record<string, 'string' | 'boolean'>>;

/** What {@link parseCommandLine} read. */
export interface CommandLine {
  /** Each option given, by long name: its value, or `true` for a boolean. */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  /** The arguments that are not options. */
  readonly positionals: readonly string[];
}

/**
 * Reads a command's arguments, refusing what it cannot accept with a message a person can act on
 * (not Node's raw `parseArgs` text): an unknown option names the closest known one (`--namespce` →
 * "did you mean `--namespace`?"), an option missing its value or given one it does not take says so.
 * `--help`/`-h` are handled before a command runs, and are not options here.
 * @param command - The command's name, for messages.
 * @param args - The arguments after the command's name.
 * @param spec - The command's options.
 * @param allowPositionals - Whether arguments other than options are accepted.
 * @returns The options and positionals.
 * @throws {@link UsageError} for anything the command cannot accept.
 */
export function parseCommandLine(
  command: string,
  args: readonly string[],
  spec: OptionSpec,
  allowPositionals = false,
): CommandLine {
  const fail = (problem: string) =>
    new UsageError(
      `${command}: ${problem}${problem.endsWith('?') ? '' : '.'} See \`breakwater ${command} --help\`.`,
    );
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-') {
      if (!allowPositionals) throw fail(`unexpected argument \`${arg}\``);
      continue;
    }
    const long = arg.startsWith('--');
    const [name = '', inline] = long ? splitInline(arg.slice(2)) : [arg.slice(1), undefined];
    const type = long ? spec[name] : undefined;
    if (type === undefined) throw fail(`unknown option \`${arg.split('=')[0]}\`${suggestion(name, spec)}`);
    if (type === 'boolean' && inline !== undefined)
      throw fail(`\`--${name}\` takes no value, got \`${arg}\``);
    if (type === 'string' && inline === undefined) {
      const value = args[i + 1];
      if (value === undefined || (value.startsWith('-') && value !== '-')) {
        throw fail(
          `\`--${name}\` needs a value${value === undefined ? '' : ` (to give one that starts with -, write --${name}=${value})`}`,
        );
      }
      i++;
    }
  }
  const options = Object.fromEntries(Object.entries(spec).map(([name, type]) => [name, { type }]));
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals });
    return { values, positionals };
  } catch (error) {
    // Whatever the scan above did not foresee: still a usage error, never a crash.
    throw fail((error as Error).message.replace(/\.$/, ''));
  }
}

function splitInline(text: string): [string, string | undefined] {
  const equals = text.indexOf('=');
  return equals === -1 ? [text, undefined] : [text.slice(0, equals), text.slice(equals + 1)];
}

/** "; did you mean `--namespace`?" for a near miss (or a unique prefix), else the options there are. */
function suggestion(typed: string, spec: OptionSpec): string {
  const names = Object.keys(spec);
  const prefixed = names.filter((name) => typed !== '' && name.startsWith(typed));
  const closest = closestName(typed, names) ?? (prefixed.length === 1 ? prefixed[0] : undefined);
  if (closest !== undefined) return `; did you mean \`--${closest}\`?`;
  return names.length === 0
    ? '; this command takes no options'
    : `; the options are ${names.map((name) => `--${name}`).join(', ')}`;
}
