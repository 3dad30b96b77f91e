import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from '../CircuitBreaker.js';
import { FakeClock } from '../clock/FakeClock.js';

const fail = () => Promise.reject(new Error('down'));

describe('a throwing listener without a logger does not vanish silently', () => {
  const originalEmitWarning = process.emitWarning;
  afterEach(() => {
    process.emitWarning = originalEmitWarning;
  });

  it('the first error per breaker is a process warning naming the breaker, the event and the logger option', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const breaker = new CircuitBreaker({ name: 'db', clock: new FakeClock(), failureThreshold: 1 });
    breaker.on('failure', () => {
      throw new Error('listener bug');
    });
    breaker.on('open', async () => {
      throw new Error('async listener bug');
    });
    await expect(breaker.call(fail)).rejects.toThrow('down'); // the caller gets its own error
    await Promise.resolve(); // the async listener's rejection
    await breaker.call(fail).catch(() => {});
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      "Circuit breaker 'db': a 'failure' listener threw: Error: listener bug. Listener errors never reach " +
        'callers; this is the first of this breaker, later ones are not shown. Pass a `logger` to the breaker ' +
        '(or its registry) to see every one.',
      { type: 'BreakwaterWarning', code: 'BREAKWATER_LISTENER_ERROR' },
    );

    const other = new CircuitBreaker({ name: 'cache', clock: new FakeClock() });
    other.on('success', () => {
      throw 'not an Error';
    });
    await other.call(() => 1);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[1]?.[0]).toContain(
      "Circuit breaker 'cache': a 'success' listener threw: not an Error.",
    );
  });

  it('with a logger, every error goes to logger.error and no warning is given', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const breaker = new CircuitBreaker({ name: 'db', clock: new FakeClock(), logger });
    breaker.on('success', () => {
      throw new Error('listener bug');
    });
    await breaker.call(() => 1);
    await breaker.call(() => 1);
    expect(logger.error).toHaveBeenCalledTimes(2);
    expect(warn).not.toHaveBeenCalled();
  });

  it('without process.emitWarning (a browser, an edge runtime), console.warn', async () => {
    process.emitWarning = undefined as unknown as typeof process.emitWarning;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const breaker = new CircuitBreaker({ name: 'edge', clock: new FakeClock() });
    breaker.on('success', () => {
      throw new Error('listener bug');
    });
    await breaker.call(() => 1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toContain("Circuit breaker 'edge': a 'success' listener threw");
  });

  it('a warning that itself throws stays inside the breaker', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {
      throw new Error('warnings are broken');
    });
    const breaker = new CircuitBreaker({ name: 'db', clock: new FakeClock() });
    breaker.on('success', () => {
      throw new Error('listener bug');
    });
    await expect(breaker.call(() => 1)).resolves.toBe(1);
  });
});
