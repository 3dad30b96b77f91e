import type { CircuitBreakerOptions } from '../options.js';

/**
 * @internal Lays a breaker's own options over inherited ones (registry defaults, a keyed group's
 * options): `{ ...inherited, ...own }`, except that an own option set to `undefined` does not hide an
 * inherited one (`false` does: it switches an inherited rule off). Never mutates its inputs. Keys are
 * copied as data properties, so an own `__proto__` key stays a key (and is refused as unknown) instead
 * of changing the result's prototype.
 */
export function mergeOptions(
  inherited: CircuitBreakerOptions,
  own: CircuitBreakerOptions | undefined,
  name?: string,
): CircuitBreakerOptions {
  const merged: Record<string, unknown> = {};
  copyDefined(merged, inherited);
  if (own !== undefined) copyDefined(merged, own);
  if (name !== undefined) merged.name = name;
  return merged as CircuitBreakerOptions;
}

function copyDefined(target: Record<string, unknown>, source: object): void {
  for (const key of Object.keys(source)) {
    const value = (source as Record<string, unknown>)[key];
    if (value === undefined) continue;
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  }
}
