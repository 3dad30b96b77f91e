#!/usr/bin/env node
import type { CliIo } from './Command.js';
import { main } from './cli.js';

// The `breakwater` executable: wires the process to `main()` in ./cli.ts.

const PIPE_CLOSED = Symbol('stdout closed');

function processIo(): CliIo {
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  // A reader that goes away (`breakwater demo | head -3`) closes the pipe: stop writing and wind
  // down quietly, as command-line tools do, instead of crashing on EPIPE.
  let closed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
    interrupt.abort(PIPE_CLOSED);
  });
  return {
    out: (text) => {
      if (!closed) process.stdout.write(text);
    },
    err: (text) => process.stderr.write(text),
    color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
    signal: interrupt.signal,
  };
}

const io = processIo();
main(process.argv.slice(2), io).then(
  (code) => {
    // Interrupted because the reader closed the pipe is not a failure of the command.
    process.exitCode = code === 130 && io.signal.reason === PIPE_CLOSED ? 0 : code;
  },
  (error: unknown) => {
    process.stderr.write(
      `breakwater: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
