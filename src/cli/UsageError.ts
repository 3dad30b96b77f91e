/**
 * A command line the CLI cannot act on: an unknown command or option, a bad value, or a feature that
 * is not available yet. Printed without a stack trace; the process exits with code 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
