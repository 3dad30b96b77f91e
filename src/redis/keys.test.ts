import { describe, expect, it } from 'vitest';
import { breakerKeys, hashTag, keyList, sequenceKey } from './keys.js';

/** What Redis Cluster hashes of a key: between the first `{` and the next `}`, unless that is empty. */
function clusterTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

describe('breaker keys', () => {
  it('every key of a breaker hashes to one slot on Redis Cluster, whatever its name', () => {
    for (const name of ['payments', '}leading', 'a{b}c', '{}', '}', '%7D', 'x%y', 'tenant:42']) {
      const keys = [...keyList(breakerKeys('ns', name)), sequenceKey('ns', name, 'host:1/ab.1')];
      const tags = new Set(keys.map(clusterTag));
      expect(tags.size, `${name}: ${[...tags].join(' | ')}`).toBe(1);
      expect(keys[0]!.startsWith('ns:{'), name).toBe(true);
    }
  });

  it('names without braces or % keep their keys; no two names share a tag', () => {
    expect(breakerKeys('ns', 'payments').state).toBe('ns:{payments}:state');
    const names = ['}', '%7D', '{', '%7B', '%', '%25', 'a}b', 'a%7Db', 'a'];
    expect(new Set(names.map(hashTag)).size).toBe(names.length);
  });
});
