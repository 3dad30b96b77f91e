import type { CircuitState } from '../CircuitState.js';
import type { TransitionReason } from '../events.js';

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
