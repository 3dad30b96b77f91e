import { describe, expect, it, vi } from 'vitest';
import { revokedProxy, unreadableError } from '../../test/support/hostileValues.js';
import { resolveOptions } from '../options/resolveOptions.js';
import type { CircuitBreakerOptions } from '../options.js';
import { countsAsFailure, isResultFailure } from './classify.js';

class BusinessError extends Error {}

const unreadable = unreadableError;
const revoked = revokedProxy;

function classify(options: CircuitBreakerOptions, error: unknown) {
  const reporter = { reportError: vi.fn() };
  return { counts: countsAsFailure(resolveOptions(options), error, reporter), reporter };
}

describe('countsAsFailure', () => {
  it('applies include, exclude and isFailure together', () => {
    expect(classify({ exclude: [BusinessError] }, new BusinessError()).counts).toBe(false);
    expect(classify({ exclude: [BusinessError] }, new Error()).counts).toBe(true);
    expect(classify({ include: [BusinessError] }, new Error()).counts).toBe(false);
    expect(classify({ include: [BusinessError], isFailure: () => false }, new BusinessError()).counts).toBe(
      false,
    );
  });

  it('an error that cannot be classified counts as a failure, reported, never thrown', () => {
    for (const options of [
      { exclude: [BusinessError] },
      { include: [BusinessError] },
      { include: [BusinessError], exclude: [TypeError] },
    ]) {
      for (const error of [unreadable(), revoked()]) {
        const { counts, reporter } = classify(options, error);
        expect(counts).toBe(true);
        expect(reporter.reportError).toHaveBeenCalledWith(
          expect.any(Error),
          'include/exclude could not classify an error; counting it as a failure',
        );
      }
    }
  });

  it('a class whose Symbol.hasInstance throws cannot classify either: a failure', () => {
    const Hostile = Object.defineProperty(function Hostile() {}, Symbol.hasInstance, {
      value: () => {
        throw new Error('hasInstance');
      },
    });
    expect(classify({ exclude: [Hostile as never] }, new Error('x')).counts).toBe(true);
  });

  it('a throwing isFailure counts the error as a failure', () => {
    const { counts, reporter } = classify(
      {
        isFailure: () => {
          throw new Error('classifier');
        },
      },
      new Error('x'),
    );
    expect(counts).toBe(true);
    expect(reporter.reportError).toHaveBeenCalledOnce();
  });
});

describe('isResultFailure', () => {
  it('a throwing isResultFailure counts the value as a success', () => {
    const reporter = { reportError: vi.fn() };
    const options = resolveOptions({
      isResultFailure: () => {
        throw new Error('classifier');
      },
    });
    expect(isResultFailure(options, 1, reporter)).toBe(false);
    expect(reporter.reportError).toHaveBeenCalledOnce();
  });
});
