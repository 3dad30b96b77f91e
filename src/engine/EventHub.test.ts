import { describe, expect, it, vi } from 'vitest';
import { EventHub } from './EventHub.js';

interface Events {
  ping: { n: number };
  pong: { n: number };
}

describe('EventHub', () => {
  it('a stale unsubscribe after clear() does not drive the listener count negative', () => {
    const changes = vi.fn();
    const hub = new EventHub<Events>(() => {}, changes);
    const off = hub.on('ping', () => {});
    hub.clear();
    off();
    off();
    const seen: number[] = [];
    hub.on('ping', ({ n }) => seen.push(n));
    expect(hub.size).toBe(1);
    expect(hub.has('ping')).toBe(true);
    hub.emit('ping', { n: 1 });
    expect(seen).toEqual([1]);
  });

  it('reports a throwing listener and the rejection of an async one, and goes on to the next', async () => {
    const errors: [unknown, string][] = [];
    const hub = new EventHub<Events>(
      (error, event) => errors.push([error, String(event)]),
      () => {},
    );
    const seen: string[] = [];
    hub.on('pong', () => {
      throw new Error('sync');
    });
    hub.on('pong', async () => {
      throw new Error('async');
    });
    hub.on('pong', () => seen.push('third'));
    hub.emit('pong', { n: 1 });
    await Promise.resolve();
    await Promise.resolve();
    expect(seen).toEqual(['third']);
    expect(errors.map(([error, event]) => `${event}: ${(error as Error).message}`)).toEqual([
      'pong: sync',
      'pong: async',
    ]);
  });

  it('lets a listener unsubscribe itself while the event is delivered', () => {
    const hub = new EventHub<Events>(
      () => {},
      () => {},
    );
    const seen: string[] = [];
    const off = hub.on('ping', () => {
      seen.push('once');
      off();
    });
    hub.on('ping', () => seen.push('always'));
    hub.emit('ping', { n: 1 });
    hub.emit('ping', { n: 2 });
    expect(seen).toEqual(['once', 'always', 'always']);
  });
});
