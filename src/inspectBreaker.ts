import type { CircuitBreaker } from './CircuitBreaker.js';

/** @internal Node's `util.inspect`, as it hands itself to a custom inspector (so the core imports no `node:`). */
export type Inspect = (value: unknown, options?: unknown) => string;

/**
 * @internal What `console.log(breaker)` (Node's `util.inspect`, through
 * `Symbol.for('nodejs.util.inspect.custom')`) prints: `CircuitBreaker { name: 'db', state: 'open', ... }`
 * with the figures a person checks first, and why and until when it is open.
 * @param breaker - The breaker.
 * @param depth - How much deeper Node would still print (below 0: a one-word summary).
 * @param options - Node's inspect options, passed on (colours, depth).
 * @param inspect - Node's `util.inspect`; without it (another runtime) the figures are JSON.
 * @returns The text.
 */
export function inspectBreaker(
  breaker: CircuitBreaker<unknown>,
  depth: number,
  options: unknown,
  inspect: Inspect | undefined,
): string {
  const show = typeof inspect === 'function' ? (value: unknown) => inspect(value, options) : JSON.stringify;
  if (depth < 0) return `[CircuitBreaker ${show(breaker.name)}]`;
  const m = breaker.metrics();
  const view: Record<string, unknown> = {
    name: m.name,
    state: m.state,
    failureRate: m.failureRate,
    consecutiveFailures: m.consecutiveFailures,
    windowCalls: m.windowCalls,
    inFlight: m.inFlight,
    totalCalls: m.totalCalls,
  };
  if (m.openReason !== null) view.openReason = m.openReason;
  if (m.retryAt !== null) view.retryAt = new Date(m.retryAt).toISOString();
  if (m.lastError !== null) view.lastError = m.lastError;
  return `CircuitBreaker ${show(view)}`;
}
