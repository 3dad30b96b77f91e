import type { CircuitState } from '../CircuitState.js';
import type { TransitionReason } from '../events.js';
import type { FleetStatus } from '../store/StateStore.js';
import { rate } from '../window/rate.js';

/** A script's reply, parsed: the verdict and the shared state it read or made. */
export interface Reply {
  readonly verdict: string;
  readonly epoch: number;
  /** The shared state as of `now` (`open` reads `half_open` from its deadline on). */
  readonly state: CircuitState;
  /** Redis ms when an open fleet admits trials. */
  readonly retryAt: number;
  readonly attempt: number;
  readonly reason: TransitionReason | '';
  /** Redis ms when the script ran. */
  readonly now: number;
  /** The token of the binding whose decision made this epoch (`''`: the shared rules, an operator). */
  readonly author: string;
  /** Script-specific: a lease's ms, a rule mismatch flag. */
  readonly extra: number;
}

/**
 * Parses the reply every script returns: `{ verdict, epoch, state, retryAt, attempt, reason, now,
 * author, extra }` (integers may arrive as numbers or strings, by client).
 * @throws TypeError for anything else (a script that is not ours answered).
 */
export function parseReply(raw: unknown): Reply {
  if (!Array.isArray(raw) || raw.length < 9)
    throw new TypeError(`Unexpected reply from a breakwater script: ${String(raw)}`);
  const [verdict, epoch, state, retryAt, attempt, reason, now, author, extra] = raw as unknown[];
  return {
    verdict: String(verdict),
    epoch: Number(epoch),
    state: String(state) as CircuitState,
    retryAt: Number(retryAt),
    attempt: Number(attempt),
    reason: String(reason) as TransitionReason | '',
    now: Number(now),
    author: String(author),
    extra: Number(extra),
  };
}

/**
 * A transition message published by the scripts, parsed: `{ n: name, e: epoch, s: state, r:
 * retryAt, a: attempt, w: reason, t: now, b: author }`.
 * @returns The breaker's name and the reply it stands for, or `undefined` for anything else.
 */
export function parseMessage(text: string): { name: string; reply: Reply } | undefined {
  let message: Record<string, unknown>;
  try {
    message = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null || typeof message.n !== 'string') return undefined;
  if (typeof message.e !== 'number' || typeof message.s !== 'string') return undefined;
  return {
    name: message.n,
    reply: {
      verdict: 'published',
      epoch: message.e,
      state: message.s as CircuitState,
      retryAt: Number(message.r ?? 0),
      attempt: Number(message.a ?? 0),
      reason: String(message.w ?? '') as TransitionReason | '',
      now: Number(message.t ?? 0),
      author: String(message.b ?? ''),
      extra: 0,
    },
  };
}

/**
 * Parses the status script's reply into a {@link FleetStatus}, with Redis times turned into this
 * host's wall-clock ms.
 * @returns `undefined` when the breaker has no shared state.
 */
export function parseStatus(name: string, raw: unknown): FleetStatus | undefined {
  if (!Array.isArray(raw)) return undefined;
  const [epoch, state, retryAt, attempt, reason, openedAt, calls, failures, slow, instances, now] = raw.map(
    (value: unknown, index: number) => (index === 1 || index === 4 ? String(value) : Number(value)),
  ) as [number, FleetStatus['state'], number, number, string, number, number, number, number, number, number];
  const wall = Date.now();
  const open = state === 'open' || state === 'forced_open';
  return {
    name,
    state,
    epoch,
    reason: reason === '' ? null : (reason as FleetStatus['reason']),
    openedAt: open && openedAt > 0 ? wall - (now - openedAt) : null,
    retryAt: state === 'open' ? wall + (retryAt - now) : null,
    backoffAttempt: attempt,
    windowCalls: calls,
    failures,
    slowCalls: slow,
    failureRate: rate(failures, calls),
    slowCallRate: rate(slow, calls),
    instances,
  };
}
