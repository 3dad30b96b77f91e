import type { ErrorClass, ResolvedOptions } from '../options.js';

/** @internal Where a throwing classifier is reported. */
interface Reporter {
  reportError(error: unknown, what: string): void;
}

/**
 * @internal Decides what counts as a failure: `include` (allow-list), `exclude` (business errors) and
 * `isFailure` must all agree for an error to count; `isResultFailure` marks resolved values. A
 * classifier that throws is reported and the default applies (errors fail, values succeed).
 */
export class Classifier {
  readonly #include: readonly ErrorClass[];
  readonly #exclude: readonly ErrorClass[];
  readonly #isFailure: ((error: unknown) => boolean) | undefined;
  readonly #isResultFailure: ((value: unknown) => boolean) | undefined;
  readonly #classifiesErrors: boolean;

  constructor(options: ResolvedOptions) {
    this.#include = options.include;
    this.#exclude = options.exclude;
    this.#isFailure = options.isFailure;
    this.#isResultFailure = options.isResultFailure;
    this.#classifiesErrors =
      this.#include.length > 0 || this.#exclude.length > 0 || this.#isFailure !== undefined;
  }

  isFailure(error: unknown, reporter: Reporter): boolean {
    if (!this.#classifiesErrors) return true;
    if (this.#include.length > 0 && !instanceOfAny(error, this.#include)) return false;
    if (instanceOfAny(error, this.#exclude)) return false;
    if (this.#isFailure === undefined) return true;
    try {
      return Boolean(this.#isFailure(error));
    } catch (thrown) {
      reporter.reportError(thrown, 'isFailure threw; counting the error as a failure');
      return true;
    }
  }

  isResultFailure(value: unknown, reporter: Reporter): boolean {
    if (this.#isResultFailure === undefined) return false;
    try {
      return Boolean(this.#isResultFailure(value));
    } catch (thrown) {
      reporter.reportError(thrown, 'isResultFailure threw; counting the value as a success');
      return false;
    }
  }
}

function instanceOfAny(error: unknown, classes: readonly ErrorClass[]): boolean {
  for (const errorClass of classes) if (error instanceof errorClass) return true;
  return false;
}
