import { CircuitBreaker } from './CircuitBreaker.js';
import { keyOptions } from './cache/keyOptions.js';
import { expected } from './options/describe.js';
import { mergeOptions } from './options/mergeOptions.js';
import { resolveOptions } from './options/resolveOptions.js';
import type { CircuitBreakerOptions } from './options.js';
import { CircuitBreakerRegistry } from './registry/CircuitBreakerRegistry.js';
import { defaultRegistry } from './registry/defaultRegistry.js';

/** Options of {@link protect}: the breaker's options, used when `@protect` creates it, and the registry. */
export interface ProtectOptions extends Omit<CircuitBreakerOptions, 'name' | 'initialState'> {
  /** Where the breaker is looked up, or created. @default defaultRegistry */
  registry?: CircuitBreakerRegistry;
}

/** A method returning a promise, as `@protect` accepts it. */
export type AsyncMethod<This, A extends unknown[], T> = (this: This, ...args: A) => Promise<T>;

/**
 * The decorator `@protect(...)` returns: a standard (TC39, TypeScript 5+) method decorator, and a
 * legacy one for `experimentalDecorators: true` (the NestJS and Angular default). TypeScript picks
 * the form your tsconfig compiles; both accept only methods returning a promise.
 */
export interface ProtectDecorator {
  /** Standard decorators (TypeScript 5+ without `experimentalDecorators`). */
  <This, A extends unknown[], T>(
    method: AsyncMethod<This, A, T>,
    context: ClassMethodDecoratorContext<This, AsyncMethod<This, A, T>>,
  ): AsyncMethod<This, A, T>;
  /**
   * Legacy decorators (`experimentalDecorators: true`).
   * @typeParam M - The decorated method's type.
   */
  <M extends (...args: never[]) => Promise<unknown>>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): TypedPropertyDescriptor<M>;
}

/**
 * A method decorator: every call of the method goes through a breaker. Given a name, the breaker is
 * taken from the registry on each call, and created there from `options` (over the registry's
 * defaults) if it does not exist yet; so it may also be registered later, e.g. from the environment
 * at startup. Works with standard decorators and with `experimentalDecorators: true`. Only methods
 * returning a promise can be decorated (a sync method's result would silently become a promise): a
 * type error says so.
 *
 * @param nameOrBreaker - A breaker's name in the registry, or a breaker.
 * @param options - Breaker options, applied when `@protect` creates the breaker, and `registry`
 * (default {@link defaultRegistry}). Not allowed with a breaker.
 * @returns The method decorator.
 * @throws TypeError or RangeError for invalid arguments or options, when the class is defined.
 * @example
 * ```ts
 * class PaymentClient {
 *   @protect('payment-api', { failureThreshold: 3, timeout: 5_000 })
 *   async charge(order: Order): Promise<Receipt> {
 *     return this.http.post('/charges', order);
 *   }
 * }
 * ```
 */
export function protect(nameOrBreaker: string | CircuitBreaker, options?: ProtectOptions): ProtectDecorator {
  const resolve = breakerSource(nameOrBreaker, options);
  const guard = <This, A extends unknown[], T>(method: AsyncMethod<This, A, T>): AsyncMethod<This, A, T> =>
    function (this: This, ...args: A): Promise<T> {
      let breaker: CircuitBreaker;
      try {
        breaker = resolve();
      } catch (error) {
        return Promise.reject(error);
      }
      const options = breaker.options;
      if (options.cache === undefined && options.coalesce === undefined) {
        return breaker.call(() => method.apply(this, args));
      }
      // With a cache or coalescing, the call is keyed by the breaker's `key(...args)`.
      const keyed = keyOptions(options, args);
      if (keyed instanceof Promise) return keyed;
      return breaker.call(() => method.apply(this, args), keyed);
    };
  return ((method: unknown, context: unknown, descriptor?: PropertyDescriptor): unknown => {
    if (typeof context === 'string' || typeof context === 'symbol') {
      // Legacy: (prototype or constructor, name, descriptor).
      if (typeof descriptor?.value !== 'function') {
        throw new TypeError(expected('@protect target', 'a class method', descriptor?.value));
      }
      return { ...descriptor, value: guard(descriptor.value) };
    }
    if (
      typeof context !== 'object' ||
      context === null ||
      (context as { kind?: unknown }).kind !== 'method'
    ) {
      throw new TypeError(
        expected(
          '@protect target',
          'a class method (standard decorators)',
          (context as { kind?: unknown })?.kind,
        ),
      );
    }
    if (typeof method !== 'function') throw new TypeError(expected('@protect target', 'a method', method));
    return guard(method as AsyncMethod<unknown, unknown[], unknown>);
  }) as ProtectDecorator;
}

function breakerSource(nameOrBreaker: unknown, options: ProtectOptions | undefined): () => CircuitBreaker {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(expected('options', 'an object', options));
  }
  if (nameOrBreaker instanceof CircuitBreaker) {
    if (options !== undefined && Object.keys(options).length > 0) {
      throw new TypeError(
        '@protect(breaker, options): options apply only when @protect creates the breaker by name; ' +
          'configure the breaker itself instead',
      );
    }
    return () => nameOrBreaker;
  }
  if (typeof nameOrBreaker !== 'string' || nameOrBreaker.length === 0) {
    throw new TypeError(expected('nameOrBreaker', 'a non-empty string or a CircuitBreaker', nameOrBreaker));
  }
  const name = nameOrBreaker;
  const { registry = defaultRegistry, ...own } = options ?? {};
  if (!(registry instanceof CircuitBreakerRegistry)) {
    throw new TypeError(expected('options.registry', 'a CircuitBreakerRegistry', registry));
  }
  // Invalid options fail when the class is defined, not on the first call.
  resolveOptions(mergeOptions(registry.defaults, own, name));
  return () => registry.getOrCreate(name, own);
}
