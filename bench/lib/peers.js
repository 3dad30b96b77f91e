// @ts-check
/** Builds the three breakers under test with equivalent settings. */
import { readFileSync } from 'node:fs';
import * as cockatiel from 'cockatiel';
import Opossum from 'opossum';

/** The built package (`npm run build`); BREAKWATER_DIST points elsewhere, e.g. to compare builds. */
export const lib = /** @type {typeof import('../../dist/index.js')} */ (
  await import(process.env.BREAKWATER_DIST ?? '../../dist/index.js')
);
export const { CircuitBreaker } = lib;

/** A rejection reason built once, so no variant pays for a stack trace it did not make. */
export const ERROR = new Error('boom');

export const ok = async () => 1;
export const fail = async () => {
  throw ERROR;
};

/**
 * breakwater with the defaults (or `options`).
 * @param {import('../../dist/index.js').CircuitBreakerOptions} [options]
 */
export function breakwater(options = {}) {
  return new CircuitBreaker(options);
}

/**
 * cockatiel: handleAll with a consecutive breaker of 5 (its closest to breakwater's default rule).
 * @param {number} [threshold]
 */
export function cockatielBreaker(threshold = 5) {
  return cockatiel.circuitBreaker(cockatiel.handleAll, {
    halfOpenAfter: 60_000,
    breaker: new cockatiel.ConsecutiveBreaker(threshold),
  });
}

/**
 * opossum around `fn`, without its default 10 s timeout unless asked.
 * @param {(...args: unknown[]) => Promise<unknown>} fn
 * @param {Record<string, unknown>} [options]
 */
export function opossum(fn, options = {}) {
  return new Opossum(fn, { timeout: false, resetTimeout: 60_000, ...options });
}

/**
 * The installed version of a peer and the Node versions it declares (`engines.node`).
 * @param {'cockatiel' | 'opossum'} name
 * @returns {{ name: string, version: string, node: string }}
 */
export function peerVersion(name) {
  try {
    const json = JSON.parse(
      readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8'),
    );
    return { name, version: String(json.version), node: String(json.engines?.node ?? 'any') };
  } catch {
    return { name, version: 'unknown', node: 'unknown' };
  }
}

export { cockatiel, Opossum };
