import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Command, Counts, MemberConfig } from './protocol.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A message from a member process (see bench/chaos/member-process.ts). */
export interface MemberMessage {
  id: string;
  ev: string;
  t?: number;
  [field: string]: unknown;
}

/** A `stats` (or `closed`) message. */
export interface MemberStats extends MemberMessage {
  counts: Counts;
  state: string;
  store: { errors: number; replaced: number; reports: number; commands: number };
  foreignSample: string;
  ms?: number;
}

/**
 * One fleet member in its own Node process (bench/chaos/member-process.ts through tsx), driven over its
 * stdin and read from its stdout. What it reports is kept in `messages`; `fatal` and `storeError`
 * messages are what the fail-safe promises are checked against.
 */
export class Member {
  readonly id: string;
  readonly messages: MemberMessage[] = [];
  readonly #child: ChildProcess;
  readonly #waiters = new Set<{ ev: string; from: number; resolve: (message: MemberMessage) => void }>();
  #stderr = '';
  #exitCode: number | null | undefined = undefined;
  #exited: Promise<number | null>;

  constructor(config: MemberConfig) {
    this.id = config.id;
    this.#child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/chaos/member-process.ts', JSON.stringify(config)],
      {
        cwd: root,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.#exited = new Promise((resolve) =>
      this.#child.once('exit', (code) => {
        this.#exitCode = code;
        resolve(code);
      }),
    );
    createInterface({ input: this.#child.stdout! }).on('line', (line) => {
      let message: MemberMessage;
      try {
        message = JSON.parse(line) as MemberMessage;
      } catch {
        this.#stderr += `${line}\n`;
        return;
      }
      this.messages.push(message);
      for (const waiter of this.#waiters) {
        if (waiter.ev === message.ev && this.messages.length > waiter.from) {
          this.#waiters.delete(waiter);
          waiter.resolve(message);
        }
      }
    });
    this.#child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    this.#child.stdin!.on('error', () => {});
  }

  /** What the process wrote to stderr (and any stdout line that was not JSON). */
  get stderr(): string {
    return this.#stderr;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.#exitCode === undefined;
  }

  /** Sends a command. */
  send(command: Command): void {
    if (this.alive) this.#child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  /**
   * Sends a command and waits for the next message of kind `ev`.
   * @param timeout - Ms to wait (generous: a deadline, not a measurement).
   */
  ask<T extends MemberMessage = MemberMessage>(command: Command, ev: string, timeout = 20_000): Promise<T> {
    const reply = this.next<T>(ev, timeout);
    this.send(command);
    return reply;
  }

  /** The next message of kind `ev` from now on. */
  next<T extends MemberMessage = MemberMessage>(ev: string, timeout = 20_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        ev,
        from: this.messages.length,
        resolve: (message: MemberMessage) => {
          clearTimeout(timer);
          resolve(message as T);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new Error(
            `member ${this.id}: no '${ev}' within ${timeout} ms; stderr: ${this.#stderr.slice(-2000)}`,
          ),
        );
      }, timeout);
      this.#waiters.add(waiter);
    });
  }

  /** Waits until the member has said it is ready. */
  async ready(timeout = 30_000): Promise<void> {
    if (this.messages.some((message) => message.ev === 'ready')) return;
    await this.next('ready', timeout);
  }

  /** Messages of kind `ev` so far (since message index `from`). */
  all(ev: string, from = 0): MemberMessage[] {
    return this.messages.slice(from).filter((message) => message.ev === ev);
  }

  /** The member's state as it last reported it. */
  state(): string {
    return String(this.all('state').at(-1)?.to ?? 'closed');
  }

  /** Resolves with the exit code once the process has exited. */
  exited(): Promise<number | null> {
    return this.#exited;
  }

  /** Kills the process (SIGKILL), if it still runs. */
  kill(): void {
    if (this.alive) this.#child.kill('SIGKILL');
  }
}
