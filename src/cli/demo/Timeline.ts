import type { CircuitBreakerMetrics, CircuitState, TransitionReason } from '../../index.js';
import type { CliIo } from '../Command.js';
import { createStyle, type Style } from '../style.js';
import type { Counts } from './Tally.js';

const REASONS: Record<TransitionReason, string> = {
  failure_threshold: 'too many consecutive failures',
  failure_rate: 'failure rate over the threshold',
  slow_call_rate: 'too many slow calls',
  reset_timeout: 'open period over: letting a trial call through',
  trial_succeeded: 'trial call succeeded: the service is back',
  trial_failed: 'trial call failed: the service is still down',
  half_open_timeout: 'no trial decided in time',
  manual_open: 'opened by hand',
  force_open: 'forced open',
  force_close: 'forced closed',
  reset: 'reset',
  remote: 'another instance decided',
  restored: 'restored from saved state',
};

/** Story time as `  4.7s`. */
function at(storyMs: number): string {
  return `${(storyMs / 1000).toFixed(1).padStart(5)}s`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Prints the demo's live timeline and its summary. Colour only when `io.color` says so. */
export class Timeline {
  readonly #io: CliIo;
  readonly #style: Style;

  constructor(io: CliIo) {
    this.#io = io;
    this.#style = createStyle(io.color);
  }

  /** The opening lines: what runs, and what the symbols mean. */
  header(url: string, speed: number, breakerLine: string): void {
    const s = this.#style;
    const pace = speed === 1 ? '' : s.dim(` (speed ×${speed}; times are story time)`);
    this.#io.out(
      `${s.bold('breakwater demo')}${pace}\n` +
        `  flaky service  ${url}\n` +
        `  breaker        ${breakerLine}\n` +
        `  traffic        steady calls through breaker.call() with fetch(url, { signal })\n` +
        s.dim('  each second:   ✔ passed  ✘ failed  ⚡ rejected fast  ↩ fallbacks served\n\n'),
    );
  }

  /** A change in the service's health. */
  service(storyMs: number, healthy: boolean, note: string): void {
    const s = this.#style;
    const mark = healthy ? s.green('▲') : s.red('▼');
    this.#io.out(`${s.dim(at(storyMs))}  ${mark} ${note}\n`);
  }

  /** A transition of the breaker. */
  transition(
    storyMs: number,
    from: CircuitState,
    to: CircuitState,
    reason: TransitionReason,
    extra = '',
    note: string = REASONS[reason],
  ): void {
    const s = this.#style;
    const arrow = `${from} → ${this.#state(to)}`;
    this.#io.out(`${s.dim(at(storyMs))}  ${s.bold('◆')} breaker ${arrow}  ${note} (${reason})${extra}\n`);
  }

  /** One line summing up the last tick. */
  tick(storyMs: number, state: CircuitState, counts: Counts): void {
    const s = this.#style;
    const figures = [
      s.green(`✔ ${String(counts.passed).padStart(2)} passed`),
      (counts.failed > 0 ? s.red : s.dim)(`✘ ${String(counts.failed).padStart(2)} failed`),
      (counts.rejected > 0 ? s.yellow : s.dim)(`⚡ ${String(counts.rejected).padStart(2)} rejected fast`),
      (counts.fallbacks > 0 ? s.cyan : s.dim)(`↩ ${String(counts.fallbacks).padStart(2)} fallbacks`),
    ].join('  ');
    const saved = counts.savedMs > 0 ? `  saved ${seconds(counts.savedMs)}` : '';
    this.#io.out(`${s.dim(at(storyMs))}  ${this.#state(state, 9)}  ${figures}${saved}\n`);
  }

  /** The closing figures. */
  summary(
    storyMs: number,
    total: Counts,
    metrics: CircuitBreakerMetrics,
    path: string,
    received: number,
  ): void {
    const s = this.#style;
    const row = (label: string, value: string | number, note = ''): string =>
      `  ${label.padEnd(18)}${String(value).padStart(8)}${note === '' ? '' : `  ${s.dim(note)}`}\n`;
    this.#io.out(
      `\n${s.bold(`Summary after ${seconds(storyMs)} of story time`)}\n` +
        row('calls made', metrics.totalCalls) +
        row('passed', metrics.successfulCalls, 'answered by the service') +
        row('failed', metrics.failedCalls, `500s and ${metrics.timeouts} timeouts`) +
        row('rejected fast', metrics.rejectedCalls, 'refused at once, without touching the service') +
        row('fallbacks served', metrics.fallbacks, 'every failed or refused call still got an answer') +
        row('latency saved', seconds(total.savedMs), 'time not spent waiting on a dead service') +
        row('service reached', received, `requests; ${metrics.totalCalls - received} spared`) +
        `  transitions       ${path}\n` +
        `  final state       ${this.#state(metrics.state)}\n`,
    );
  }

  #state(state: CircuitState, width = 0): string {
    const s = this.#style;
    const label = state.toUpperCase().padEnd(width);
    if (state === 'closed') return s.green(label);
    if (state === 'half_open') return s.yellow(label);
    return s.red(label);
  }
}
