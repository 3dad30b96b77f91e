import { readFileSync } from 'node:fs';
import { closestName } from '../options/closestName.js';
import type { CliIo, Command } from './Command.js';
import { commands } from './commands/index.js';
import { UsageError } from './UsageError.js';

/**
 * Runs the `breakwater` command line.
 * @param argv - The arguments after the program name (`process.argv.slice(2)`).
 * @param io - Where to write; see {@link CliIo}.
 * @returns The exit code: 0 success, 1 failure, 2 usage error (unknown or not-yet-available command,
 * bad option), 130 when interrupted.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  let command: Command | undefined;
  try {
    if (name === undefined) {
      io.err(usage());
      return 2;
    }
    if (name === '--help' || name === '-h' || name === 'help') {
      const topic = args[0] === undefined ? undefined : find(args[0]);
      io.out(topic?.help ?? usage());
      return 0;
    }
    if (name === '--version' || name === '-v') {
      io.out(`${version()}\n`);
      return 0;
    }
    command = find(name);
    if (args.includes('--help') || args.includes('-h')) {
      io.out(command.help);
      return 0;
    }
    return await command.run(args, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // The command's usage line under the message: what a correct command line looks like.
    const usageLine = command?.help.split('\n', 1)[0];
    io.err(`breakwater: ${error.message.trimEnd()}\n${usageLine === undefined ? '' : `${usageLine}\n`}`);
    return 2;
  }
}

function find(name: string): Command {
  const command = commands.find((candidate) => candidate.name === name);
  if (command !== undefined) return command;
  if (name.startsWith('-')) {
    throw new UsageError(
      `unknown option \`${name}\`: options go after the command (\`breakwater <command> [options]\`). See \`breakwater --help\`.`,
    );
  }
  const names = commands.map((candidate) => candidate.name);
  const closest = closestName(name, names);
  const hint = closest === undefined ? '' : ` Did you mean \`${closest}\`?`;
  throw new UsageError(
    `unknown command \`${name}\`.${hint} Commands: ${names.join(', ')}. See \`breakwater --help\`.`,
  );
}

function usage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const list = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n');
  return `Usage: breakwater <command> [options]

${list}

Run \`breakwater <command> --help\` for a command's options.
`;
}

function version(): string {
  // src/cli/main.ts and dist/cli/main.js both sit two levels below package.json.
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
