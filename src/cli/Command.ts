/** Where a command writes, and what it may know about the terminal. */
export interface CliIo {
  /** Writes to stdout. */
  out(text: string): void;
  /** Writes to stderr. */
  err(text: string): void;
  /** Whether ANSI colour may be used on stdout (a TTY, and `NO_COLOR` unset). */
  readonly color: boolean;
  /** Aborts when the user interrupts (Ctrl-C): a long command should wind down and report. */
  readonly signal: AbortSignal;
}

/**
 * One `breakwater <name>` command. Each lives in its own file under `src/cli/commands/` and is listed
 * in `src/cli/commands/index.ts`.
 */
export interface Command {
  /** The word after `breakwater`. */
  readonly name: string;
  /** One line for `breakwater --help`. */
  readonly summary: string;
  /** The text of `breakwater <name> --help`. */
  readonly help: string;
  /**
   * Runs the command.
   * @param args - The arguments after the command's name.
   * @returns The process exit code (0 success, 1 failure, 2 usage error).
   * @throws {@link UsageError} for arguments it cannot accept (exit code 2).
   */
  run(args: readonly string[], io: CliIo): Promise<number>;
}
