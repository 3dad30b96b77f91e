import { describe, expect, it } from 'vitest';
import type { CliIo } from './Command.js';
import { main } from './cli.js';
import { commands } from './commands/index.js';

/** Runs the CLI in-process (no command here gets past its arguments: nothing connects anywhere). */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (text) => (out += text),
    err: (text) => (err += text),
    color: false,
    signal: new AbortController().signal,
  };
  const code = await main(argv, io);
  return { code, out, err };
}

const usageLine = (name: string): string => {
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) throw new Error(`no command ${name}`);
  return command.help.split('\n', 1)[0] ?? '';
};

/** The long options a command's help lists (`--help` aside). */
const optionsOf = (help: string): string[] =>
  [...help.matchAll(/^\s+--([\w-]+)/gm)].map((match) => match[1] ?? '').filter((name) => name !== 'help');

/** Arguments that satisfy a command apart from the option under test: a breaker name where one is needed. */
const positional = (name: string): string[] =>
  ['open', 'force-open', 'force-close', 'reset'].includes(name) ? ['payment-api'] : [];

describe('a mistyped flag gets a suggestion and the usage line, with exit code 2', () => {
  it.each([
    ['demo', ['--sped', '2'], '--sped', '--speed'],
    ['status', ['--namespce', 'shop'], '--namespce', '--namespace'],
    ['watch', ['--intervl', '2s'], '--intervl', '--interval'],
    ['open', ['payment-api', '--fro', '5m'], '--fro', '--for'],
    ['force-open', ['payment-api', '--reddis', 'redis://127.0.0.1'], '--reddis', '--redis'],
    ['force-close', ['payment-api', '--jsno'], '--jsno', '--json'],
    ['reset', ['payment-api', '--namespace=shop', '--nmespace'], '--nmespace', '--namespace'],
    ['dashboard', ['--redis', 'redis://127.0.0.1', '--tokn=abc'], '--tokn', '--token'],
  ])('%s %j', async (name, args, typo, meant) => {
    const result = await run(name, ...args);
    expect(result).toEqual({
      code: 2,
      out: '',
      err:
        `breakwater: ${name}: unknown option \`${typo}\`; did you mean \`${meant}\`? ` +
        `See \`breakwater ${name} --help\`.\n${usageLine(name)}\n`,
    });
  });

  it.each(commands.map((command) => [command.name, command]))(
    'every option of `%s` is suggested for a one-letter slip',
    async (name, command) => {
      const options = optionsOf(command.help);
      expect(options.length, 'options found in the help').toBeGreaterThan(0);
      for (const option of options) {
        const slip = `--${option.slice(0, 1)}${option.slice(2)}`; // the second letter dropped
        const { code, err } = await run(name, ...positional(name), slip);
        expect(code, slip).toBe(2);
        expect(err, slip).toContain(`unknown option \`${slip}\`; did you mean \`--${option}\`?`);
        expect(err, slip).toContain(`\n${usageLine(name)}\n`);
        expect(err, slip).not.toMatch(/ERR_PARSE_ARGS|Unknown option '/); // never Node's raw text
      }
    },
  );
});

describe('other command-line mistakes say what to do', () => {
  it('an option far from every known one lists the options', async () => {
    const { code, err } = await run('status', '--frobnicate');
    expect(code).toBe(2);
    expect(err).toContain(
      'status: unknown option `--frobnicate`; the options are --redis, --namespace, --json.',
    );
  });

  it('an option without its value, or a flag given one', async () => {
    expect((await run('status', '--redis')).err).toContain('status: `--redis` needs a value.');
    expect((await run('open', 'x', '--for', '-5m')).err).toContain(
      'open: `--for` needs a value (to give one that starts with -, write --for=-5m).',
    );
    expect((await run('status', '--json=yes')).err).toContain(
      'status: `--json` takes no value, got `--json=yes`.',
    );
  });

  it('an argument a command does not take', async () => {
    const { code, err } = await run('demo', 'now');
    expect(code).toBe(2);
    expect(err).toBe(
      `breakwater: demo: unexpected argument \`now\`. See \`breakwater demo --help\`.\n${usageLine('demo')}\n`,
    );
  });

  it('a mistyped command gets the closest command', async () => {
    const { code, err } = await run('stauts', '--redis', 'redis://127.0.0.1');
    expect(code).toBe(2);
    expect(err).toContain('unknown command `stauts`. Did you mean `status`?');
  });

  it('an option before the command says where options go', async () => {
    const { code, err } = await run('--namespace', 'shop', 'status');
    expect(code).toBe(2);
    expect(err).toContain('unknown option `--namespace`: options go after the command');
  });

  it('a value that starts with a dash is accepted in the --name=value form', async () => {
    const { code, err } = await run('open', 'x', '--for=-5m', '--redis', 'redis://127.0.0.1');
    expect(code).toBe(2);
    expect(err).toContain('expected `--for` to be a duration such as 5m, 30s or 500ms, got `-5m`');
  });
});
