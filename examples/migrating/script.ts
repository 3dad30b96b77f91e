/**
 * Test support for the migration examples: drives a program and its port through the same script
 * of dependency outcomes and waits, and records what each step did, so that a test can compare the
 * two traces. The original runs on Vitest's fake timers (opossum and cockatiel take no clock); the
 * port on a `FakeClock`. Neither waits for real time.
 */
import { FakeClock } from 'breakwater';
import { vi } from 'vitest';
import { flush } from '../../test/support/flush.js';

/** What the dependency does during a step: answer, fail, or never answer. */
export type Outcome = 'ok' | 'fail' | 'hang';

/** One step of a script. */
export type Step =
  /** `count` calls at once (default 1), the dependency answering `outcome` to each. */
  | { readonly call: Outcome; readonly count?: number }
  /** Time passes. */
  | { readonly wait: number }
  /** The program's figures are read (into the trace). */
  | { readonly read: true };

/** What a step did. */
export interface StepTrace {
  readonly step: string;
  /** Each call's answer, as the subject renders it ('42', 'fallback…', 'refused'...). */
  readonly results: readonly string[];
  /** The program's log lines written during the step. */
  readonly log: readonly string[];
  /** Calls that reached the dependency during the step. */
  readonly reached: number;
  /** What `read` returned, for a read step. */
  readonly figures?: unknown;
}

/** A dependency whose behaviour the script sets step by step. */
export class ScriptedDependency {
  outcome: Outcome = 'ok';
  reached = 0;

  /** The dependency's call: 42, an Error, or a promise that never settles. */
  readonly call = (): Promise<number> => {
    this.reached++;
    if (this.outcome === 'ok') return Promise.resolve(42);
    if (this.outcome === 'fail') return Promise.reject(new Error('ECONNRESET'));
    return new Promise<number>(() => {});
  };
}

/** A program under a script: how to call it, move time, and read it. */
export interface Subject {
  /** One call through the program; resolves with its rendered answer (never rejects). */
  call(): Promise<string>;
  /** Moves time forward, running what falls due. */
  advance(ms: number): Promise<void>;
  /** The program's figures, for `read` steps. */
  read(): unknown;
  /** Lines the program logged so far. */
  readonly log: readonly string[];
}

/**
 * Runs `script` against `subject`.
 * @param hangFor - How long a hanging call is left before its results are awaited (the timeout).
 * @returns One entry per step.
 */
export async function runScript(
  subject: Subject,
  dependency: ScriptedDependency,
  script: readonly Step[],
  hangFor = 0,
): Promise<StepTrace[]> {
  const traces: StepTrace[] = [];
  for (const step of script) {
    const logged = subject.log.length;
    const reached = dependency.reached;
    let results: string[] = [];
    let figures: unknown;
    if ('call' in step) {
      dependency.outcome = step.call;
      const calls = Array.from({ length: step.count ?? 1 }, () => subject.call());
      if (step.call === 'hang') await subject.advance(hangFor);
      else await subject.advance(0);
      results = await Promise.all(calls);
    } else if ('wait' in step) {
      await subject.advance(step.wait);
    } else {
      figures = subject.read();
    }
    traces.push({
      step: JSON.stringify(step),
      results,
      log: subject.log.slice(logged),
      reached: dependency.reached - reached,
      ...(figures === undefined ? {} : { figures }),
    });
  }
  return traces;
}

/** A program (an original or its port) as {@link sideBySide} drives it. */
export interface Driven<S> {
  /** Builds the program on `dependency`, logging to `log`; `clock` is given to the port only. */
  create(dependency: ScriptedDependency, log: (line: string) => void, clock: FakeClock | undefined): S;
  /** One call through it, rendered as a string (never rejects). */
  call(program: S): Promise<string>;
  /** Its figures, for `read` steps. */
  read(program: S): unknown;
  /** Stops it. */
  stop(program: S): void;
}

/**
 * Runs `script` against the original (on Vitest's fake timers) and then against the port (on a
 * `FakeClock`), each on a dependency of its own.
 * @param hangFor - How long a hanging call is left before its results are awaited.
 * @returns The two traces.
 */
export async function sideBySide<A, B>(
  original: Driven<A>,
  port: Driven<B>,
  script: readonly Step[],
  hangFor = 0,
): Promise<{ original: StepTrace[]; port: StepTrace[] }> {
  vi.useFakeTimers();
  let fromOriginal: StepTrace[];
  try {
    fromOriginal = await drive(original, undefined, script, hangFor);
  } finally {
    vi.useRealTimers();
  }
  return { original: fromOriginal, port: await drive(port, new FakeClock(), script, hangFor) };
}

async function drive<S>(
  driven: Driven<S>,
  clock: FakeClock | undefined,
  script: readonly Step[],
  hangFor: number,
): Promise<StepTrace[]> {
  const dependency = new ScriptedDependency();
  const log: string[] = [];
  const program = driven.create(dependency, (line) => log.push(line), clock);
  const subject: Subject = {
    log,
    call: () => driven.call(program),
    read: () => driven.read(program),
    advance:
      clock === undefined
        ? async (ms) => {
            await vi.advanceTimersByTimeAsync(ms);
          }
        : async (ms) => {
            clock.advance(ms);
            await flush();
          },
  };
  try {
    return await runScript(subject, dependency, script, hangFor);
  } finally {
    driven.stop(program);
  }
}
