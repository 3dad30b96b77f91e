import type { Logger } from '../options.js';

/** The levels the library logs at. */
export type LogLevel = 'info' | 'warn' | 'error';

const ignore = (): void => {};

/**
 * @internal Writes one line to a user's logger without letting it reach the library: a method that
 * throws is ignored, and so is the rejection of a promise it returns (an async logger, or one whose
 * transport fails), which would otherwise be an unhandled rejection. Does nothing without a logger.
 * @param logger - The user's logger, or `undefined`.
 * @param level - `info`, `warn` or `error`.
 * @param fields - The structured fields (pino's first argument).
 * @param message - The message.
 */
export function logSafely(
  logger: Logger | undefined,
  level: LogLevel,
  fields: object,
  message: string,
): void {
  if (logger === undefined) return;
  try {
    const returned: unknown = logger[level](fields, message);
    if ((typeof returned === 'object' && returned !== null) || typeof returned === 'function') {
      // Whatever it returned, thenable or not: `Promise.resolve` adopts a thenable (a throwing `then`
      // becomes a rejection) and the handler below swallows it.
      Promise.resolve(returned).then(undefined, ignore);
    }
  } catch {
    // A logger must never break the breaker, nor the caller of the library.
  }
}
