import type { ErrorClass, ResolvedOptions } from '../options.js';

/** @internal Where a throwing classifier is reported. */
export interface Reporter {
  reportError(error: unknown, what: string): void;
}

/**
 * @internal Whether a thrown `error` counts as a failure: `include` (an allow-list), `exclude`
 * (business errors) and `isFailure` must all agree. Never throws: an error that cannot be
 * classified (`instanceof` throws: a Proxy whose `getPrototypeOf` trap throws, a revoked Proxy, a
 * class whose `Symbol.hasInstance` throws) and a classifier that throws are reported, and the
 * default applies: the error counts.
 */
export function countsAsFailure(options: ResolvedOptions, error: unknown, reporter: Reporter): boolean {
  const { include, exclude, isFailure } = options;
  if (include.length > 0 || exclude.length > 0) {
    try {
      if (include.length > 0 && !instanceOfAny(error, include)) return false;
      if (exclude.length > 0 && instanceOfAny(error, exclude)) return false;
    } catch (thrown) {
      reporter.reportError(thrown, 'include/exclude could not classify an error; counting it as a failure');
      return true;
    }
  }
  if (isFailure === undefined) return true;
  try {
    return Boolean(isFailure(error));
  } catch (thrown) {
    reporter.reportError(thrown, 'isFailure threw; counting the error as a failure');
    return true;
  }
}

/**
 * @internal Whether a resolved `value` counts as a failure (`isResultFailure`). A throwing classifier
 * is reported and the default applies: the value is a success.
 */
export function isResultFailure(options: ResolvedOptions, value: unknown, reporter: Reporter): boolean {
  const classify = options.isResultFailure;
  if (classify === undefined) return false;
  try {
    return Boolean(classify(value));
  } catch (thrown) {
    reporter.reportError(thrown, 'isResultFailure threw; counting the value as a success');
    return false;
  }
}

function instanceOfAny(error: unknown, classes: readonly ErrorClass[]): boolean {
  for (const errorClass of classes) if (error instanceof errorClass) return true;
  return false;
}
