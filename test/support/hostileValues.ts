/**
 * Hostile values a protected function can return or throw (DESIGN section 11): each defeats some
 * naive way of inspecting it. Shared by the call path's unit tests and test/reliability.
 */

/** A function that throws `new Error(what)`: for getters and traps. */
export const thrower = (what: string) => (): never => {
  throw new Error(what);
};

/** A Proxy of a native promise: `instanceof Promise` holds, the built-in `then` refuses it. */
export function proxyOfPromise(value: unknown = 'proxied'): Promise<unknown> {
  return new Proxy(Promise.resolve(value), {});
}

/** A native promise (that would resolve) whose own `then` throws when called. */
export function promiseWithThrowingThen(value: unknown = 'hidden'): Promise<unknown> {
  const promise = Promise.resolve(value);
  Object.defineProperty(promise, 'then', { value: thrower('own then') });
  return promise;
}

/** A value whose `then` getter throws. */
export function throwingThenGetter(): object {
  return Object.defineProperty({}, 'then', { get: thrower('then getter') });
}

/** A value whose `getPrototypeOf` trap throws (`instanceof` on it throws; `await` does not care). */
export function unreadablePrototype(target: object = {}): object {
  return new Proxy(target, { getPrototypeOf: thrower('getPrototypeOf trap') });
}

/** An error (an `Error` inside) whose prototype cannot be read. */
export function unreadableError(): object {
  return unreadablePrototype(new Error('unreadable error'));
}

/** A revoked Proxy: every operation on it throws, printing it included. */
export function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** A thenable that resolves, then rejects, then resolves again, synchronously. */
export function settlesTwice(value: unknown = 'first'): PromiseLike<unknown> {
  const thenable = {};
  Object.defineProperty(thenable, 'then', {
    value(resolve: (value: unknown) => void, reject: (error: unknown) => void) {
      resolve(value);
      reject(new Error('second'));
      resolve('third');
    },
  });
  return thenable as PromiseLike<unknown>;
}

/** A thenable that calls its `reject` twice, the second time after a microtask. */
export function rejectsTwice(error: unknown): PromiseLike<unknown> {
  const thenable = {};
  Object.defineProperty(thenable, 'then', {
    value(_resolve: (value: unknown) => void, reject: (error: unknown) => void) {
      reject(error);
      queueMicrotask(() => reject(new Error('again')));
    },
  });
  return thenable as PromiseLike<unknown>;
}

/** A plain foreign thenable that settles like a promise would, after a microtask. */
export function foreignThenable(settle: 'resolve' | 'reject', outcome: unknown): PromiseLike<unknown> {
  const thenable = {};
  Object.defineProperty(thenable, 'then', {
    value(resolve: (value: unknown) => void, reject: (error: unknown) => void) {
      queueMicrotask(() => (settle === 'resolve' ? resolve(outcome) : reject(outcome)));
    },
  });
  return thenable as PromiseLike<unknown>;
}

/**
 * Things to throw or reject with: an ordinary error, and errors that cannot be inspected or printed
 * (`instanceof`, `String()`, `name`/`message` getters all throw on some of them).
 */
export const hostileErrors: Readonly<Record<string, () => unknown>> = {
  error: () => new Error('plain'),
  string: () => 'a string',
  undefined: () => undefined,
  unreadablePrototype: () => unreadableError(),
  revoked: () => revokedProxy(),
  unprintable: () => ({ toString: thrower('toString'), [Symbol.toPrimitive]: thrower('toPrimitive') }),
  throwingGetters: () => {
    const error = new Error('getters');
    Object.defineProperty(error, 'message', { get: thrower('message getter') });
    Object.defineProperty(error, 'name', { get: thrower('name getter') });
    return error;
  },
};

/** Things a function can return that defeat a naive inspection of its result. */
export const hostileResults: Readonly<Record<string, () => unknown>> = {
  proxyOfPromise: () => proxyOfPromise(),
  promiseWithThrowingThen: () => promiseWithThrowingThen(),
  throwingThenGetter: () => throwingThenGetter(),
  unreadablePrototype: () => unreadablePrototype(),
  revoked: () => revokedProxy(),
  settlesTwice: () => settlesTwice(),
  rejectsTwice: () => rejectsTwice(new Error('first')),
};
