import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { describeFailure, UNPRINTABLE } from './describeFailure.js';

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}
const thrower = (): never => {
  throw new Error('getter');
};

describe('describeFailure', () => {
  it('describes errors, strings and other primitives as before', () => {
    expect(describeFailure(new TypeError('fetch failed'))).toBe('TypeError: fetch failed');
    expect(describeFailure('ECONNRESET')).toBe('ECONNRESET');
    expect(describeFailure(undefined)).toBe('undefined');
    expect(describeFailure(42)).toBe('42');
    expect(describeFailure(Symbol('gone'))).toBe('Symbol(gone)');
    expect(describeFailure({ code: 'E' })).toBe('[object Object]');
    expect(describeFailure(runInNewContext('new RangeError("other realm")'))).toBe('RangeError: other realm');
  });

  it('describes a result failure by its status: a fetch Response reads Response 503 Service Unavailable', () => {
    expect(describeFailure(new Response(null, { status: 503, statusText: 'Service Unavailable' }))).toBe(
      'Response 503 Service Unavailable',
    );
    expect(describeFailure(new Response(null, { status: 429 }))).toBe('Response 429');
    expect(describeFailure({ status: 500, statusText: 'Internal Server Error' })).toBe(
      'status 500 Internal Server Error',
    );
    class ApiReply {
      readonly status = 502;
    }
    expect(describeFailure(new ApiReply())).toBe('ApiReply 502');
  });

  it('never throws: hostile getters, conversions and revoked proxies are described safely', () => {
    expect(describeFailure(revoked())).toBe(UNPRINTABLE);
    expect(
      describeFailure(
        new Proxy(new Error('hidden'), {
          getPrototypeOf: thrower,
        }),
      ),
    ).toBe('Error: hidden');
    expect(describeFailure(new Proxy({}, { getPrototypeOf: thrower }))).toBe('[object Object]');
    const noConversion = { toString: thrower, [Symbol.toPrimitive]: thrower };
    expect(describeFailure(noConversion)).toBe('[object Object]');
    const error = new Error('x');
    Object.defineProperty(error, 'message', { get: thrower });
    expect(describeFailure(error)).toBe('[object Error]');
    const badName = new Error('y');
    Object.defineProperty(badName, 'name', { value: Symbol('name') });
    expect(describeFailure(badName)).toBe('Symbol(name): y');
    expect(describeFailure(Object.create(null))).toBe('[object Object]');
    expect(
      describeFailure({
        get status() {
          return thrower();
        },
      }),
    ).toBe('[object Object]');
  });
});
