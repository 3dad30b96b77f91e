import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A message from a fleet member process. */
export interface MemberMessage {
  id: string;
  ev: string;
  [field: string]: unknown;
}

/** One fleet member: test/fixtures/fleet-member.ts in its own Node process (through tsx). */
export class FleetProcess {
  readonly id: string;
  readonly messages: MemberMessage[] = [];
  readonly #child: ChildProcess;
  #stderr = '';

  constructor(id: string, port: number, namespace: string, url: string, options: object) {
    this.id = id;
    this.#child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/fixtures/fleet-member.ts',
        String(port),
        namespace,
        url,
        id,
        JSON.stringify(options),
      ],
      { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    createInterface({ input: this.#child.stdout! }).on('line', (line) => {
      try {
        this.messages.push(JSON.parse(line) as MemberMessage);
      } catch {
        this.#stderr += `${line}\n`;
      }
    });
    this.#child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr += chunk));
  }

  /** What the process wrote to stderr. */
  get stderr(): string {
    return this.#stderr;
  }

  /** The states the member's breaker moved to, in order. */
  states(): string[] {
    return this.messages.filter((m) => m.ev === 'state').map((m) => String(m.to));
  }

  /** The member's current state as it reported it. */
  state(): string {
    return this.states().at(-1) ?? 'closed';
  }

  send(command: object): void {
    this.#child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  /** Messages of kind `ev` so far. */
  count(ev: string): number {
    return this.messages.filter((m) => m.ev === ev).length;
  }

  /** The last message of kind `ev`. */
  last(ev: string): MemberMessage | undefined {
    return this.messages.filter((m) => m.ev === ev).at(-1);
  }

  /** Resolves with the exit code. */
  exited(): Promise<number | null> {
    if (this.#child.exitCode !== null) return Promise.resolve(this.#child.exitCode);
    return new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
  }

  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
  }
}
