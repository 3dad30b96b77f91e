import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../test/support/listen.js';
import { CircuitBreaker, MemoryStore } from '../../index.js';
import type { CliIo } from '../Command.js';
import { createWatchCommand } from './watch.js';

describe('breakwater watch', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning);
  };
  afterEach(() => {
    process.off('warning', onWarning);
  });

  it('leaves no abort listener behind per refresh: 30 refreshes, one listener at most, no leak warning', async () => {
    process.on('warning', onWarning);
    const store = new MemoryStore();
    const breaker = new CircuitBreaker({ name: 'payments', store, failureThreshold: 1 });
    await breaker.call(() => Promise.reject(new Error('down'))).catch(() => {});
    const interrupt = new AbortController();
    const listeners: number[] = [];
    let refreshes = 0;
    let closed = 0;
    const io: CliIo = {
      out: (text) => {
        if (!text.startsWith('NAME')) return;
        refreshes++;
        listeners.push(getEventListeners(interrupt.signal, 'abort').length);
      },
      err: (text) => {
        throw new Error(text);
      },
      color: false,
      signal: interrupt.signal,
    };
    const watch = createWatchCommand(async () => ({ store, close: async () => void closed++ }));
    const running = watch.run(['--redis', 'redis://unused', '--interval', '100ms'], io);
    await until(() => refreshes >= 30, '30 refreshes', 20_000);
    interrupt.abort();
    expect(await running).toBe(130);
    expect(closed).toBe(1);
    expect(Math.max(...listeners)).toBeLessThanOrEqual(1);
    expect(getEventListeners(interrupt.signal, 'abort')).toHaveLength(0);
    // Node reports a leak once an AbortSignal holds more than 10 listeners.
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
    breaker.dispose();
    await store.close();
  }, 30_000);
});
