import type { CircuitState } from '../CircuitState.js';
import type { TransitionReason } from '../events.js';
import { logSafely } from '../logging/logSafely.js';
import type { Logger } from '../options.js';

/** @internal What a transition log line reports. */
export interface TransitionFacts {
  readonly name: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: TransitionReason;
  /** For a remote transition: why the fleet changed state. */
  readonly remoteReason: TransitionReason | undefined;
  readonly failureCount: number;
  readonly threshold: number | false;
  readonly failureRate: number;
  readonly elapsedMs: number;
}

const MESSAGES: Readonly<Record<CircuitState, string>> = {
  open: 'opening circuit',
  half_open: 'half-open, testing recovery',
  closed: 'closing circuit',
  forced_open: 'forced open',
  forced_closed: 'forced closed',
};

/**
 * @internal Logs a transition with the fields and levels operators alert on: a trip at `error`,
 * half-open and closing at `info`, an operator's open and forced states at `warn`. A logger that
 * throws, or returns a rejected promise, is ignored.
 */
export function logTransition(logger: Logger, facts: TransitionFacts): void {
  const fields = {
    circuit_breaker: facts.name,
    state: facts.to,
    previous_state: facts.from,
    reason: facts.reason,
    failure_count: facts.failureCount,
    threshold: facts.threshold,
    failure_rate: facts.failureRate,
    elapsed_seconds: Math.round(facts.elapsedMs) / 1000,
  };
  if (facts.remoteReason !== undefined)
    (fields as Record<string, unknown>).remote_reason = facts.remoteReason;
  const message = `Circuit breaker '${facts.name}' ${MESSAGES[facts.to]}`;
  const byOperator = facts.reason === 'manual_open' || facts.remoteReason === 'manual_open';
  const level =
    facts.to === 'open' && !byOperator
      ? 'error'
      : facts.to === 'open' || facts.to === 'forced_open' || facts.to === 'forced_closed'
        ? 'warn'
        : 'info';
  logSafely(logger, level, fields, message);
}
