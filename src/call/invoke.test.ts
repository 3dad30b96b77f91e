import { describe, expect, it, vi } from 'vitest';
import { flush } from '../../test/support/flush.js';
import * as hostile from '../../test/support/hostileValues.js';
import type { CallContext } from '../options.js';
import { adopt, follow, invoke, invoked, PROMISED, RETURNED, THENABLE, THREW } from './invoke.js';

const ctx: CallContext = { signal: new AbortController().signal };

const proxyOfPromise = () => hostile.proxyOfPromise(1);
const ownThenThrows = () => hostile.promiseWithThrowingThen(1);
const thenGetterThrows = hostile.throwingThenGetter;
const prototypeTrapThrows = () => hostile.unreadablePrototype();
const revoked = hostile.revokedProxy;
const settlesTwice = () => hostile.settlesTwice('first');

/** Runs `fn` through invoke() and follows it when it is a promise; collects what the handlers saw. */
async function outcome(fn: () => unknown) {
  const result = invoke(fn, ctx);
  const kind = invoked;
  const values: unknown[] = [];
  const errors: unknown[] = [];
  let promise: Promise<unknown> | undefined;
  if (kind === PROMISED || kind === THENABLE) {
    promise = follow(
      result,
      kind === PROMISED,
      (value) => values.push(value),
      (error) => errors.push(error),
    );
  }
  await flush();
  return { kind, result, values, errors, promise };
}

describe('invoke', () => {
  it('tells a native promise from a thenable from a value, and catches a throw', async () => {
    expect((await outcome(() => Promise.resolve(1))).kind).toBe(PROMISED);
    expect((await outcome(() => hostile.foreignThenable('resolve', 1))).kind).toBe(THENABLE);
    expect((await outcome(() => 1)).kind).toBe(RETURNED);
    expect((await outcome(() => null)).kind).toBe(RETURNED);
    expect((await outcome(() => Object.defineProperty({}, 'then', { value: 'not a function' }))).kind).toBe(
      RETURNED,
    );
    const thrown = new Error('thrown');
    const threw = await outcome(() => {
      throw thrown;
    });
    expect(threw).toMatchObject({ kind: THREW, result: thrown });
  });

  it('passes the context and never throws, whatever fn returns or throws', async () => {
    const fn = vi.fn(() => 1);
    invoke(fn, ctx);
    expect(fn).toHaveBeenCalledWith(ctx);
    for (const hostile of [
      proxyOfPromise,
      ownThenThrows,
      thenGetterThrows,
      prototypeTrapThrows,
      revoked,
      settlesTwice,
      () => {
        throw revoked();
      },
    ]) {
      expect(() => invoke(hostile, ctx)).not.toThrow();
    }
  });

  it('reads a value whose then cannot be read as a throw, as await would', async () => {
    const getter = await outcome(thenGetterThrows);
    expect(getter.kind).toBe(THREW);
    expect((getter.result as Error).message).toBe('then getter');
    const gone = await outcome(revoked);
    expect(gone.kind).toBe(THREW);
    expect(gone.result).toBeInstanceOf(TypeError);
  });

  it('takes a value whose getPrototypeOf trap throws as a plain value: await never asks for it', async () => {
    const proxy = prototypeTrapThrows();
    const seen = await outcome(() => proxy);
    // (Compared by identity: a matcher that walks the value would ask for its prototype.)
    expect(seen.kind).toBe(RETURNED);
    expect(seen.result === proxy).toBe(true);
    expect((await adopt(proxy)) === proxy).toBe(true);
  });
});

describe('follow', () => {
  it('follows a native promise with its own outcome and returns it unchanged', async () => {
    const promise = Promise.resolve('ok');
    const seen = await outcome(() => promise);
    expect(seen.promise).toBe(promise);
    expect(seen.values).toEqual(['ok']);
    const rejection = await outcome(() => Promise.reject(new Error('no')));
    expect(rejection.errors).toHaveLength(1);
    await rejection.promise?.catch(() => {});
  });

  it('a Proxy of a promise is an opaque failure, once, and the caller gets a native promise', async () => {
    const seen = await outcome(proxyOfPromise);
    expect(seen.kind).toBe(PROMISED);
    expect(seen.values).toEqual([]);
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]).toBeInstanceOf(TypeError);
    expect(seen.promise).toBeInstanceOf(Promise);
    await expect(seen.promise).rejects.toBe(seen.errors[0]);
  });

  it('a promise whose own then throws is adopted: the throw is its one outcome', async () => {
    const seen = await outcome(ownThenThrows);
    expect(seen.kind).toBe(THENABLE);
    expect(seen.values).toEqual([]);
    expect(seen.errors.map((e) => (e as Error).message)).toEqual(['own then']);
    await expect(seen.promise).rejects.toThrow('own then');
  });

  it('a thenable that settles twice settles once, with its first outcome', async () => {
    const seen = await outcome(settlesTwice);
    expect(seen.values).toEqual(['first']);
    expect(seen.errors).toEqual([]);
  });

  it('a then getter that answers the built-in then first and a throwing one next settles once', async () => {
    let reads = 0;
    const promise = Promise.resolve('real');
    Object.defineProperty(promise, 'then', {
      get() {
        reads++;
        if (reads === 1) return Promise.prototype.then;
        return (resolve: (value: unknown) => void) => {
          resolve('from the second then');
          throw new Error('and a throw');
        };
      },
    });
    const seen = await outcome(() => promise);
    expect(seen.values.length + seen.errors.length).toBe(1);
  });
});
