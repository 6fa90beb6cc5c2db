import { describe, expect, it } from 'vitest';
import { KeyCache } from './key-cache.js';
import type { KeyRecord } from './key-record.js';

const record = (id: string, ownerId = 'sa-aaaaaa'): KeyRecord => ({
  id, secretHash: 'h', status: 'ACTIVE', expiresAt: null, ownerId, ownerKind: 'service-account', ownerStatus: 'ACTIVE', resourceId: 'lkc-aaaaaa', resourceKind: 'kafka', environment: 'env-aaaaaa',
});

describe('KeyCache', () => {
  it('holds records and evicts the least recently used', () => {
    const cache = new KeyCache(2);
    cache.set('A', record('A'));
    cache.set('B', record('B', 'sa-bbbbbb'));
    expect(cache.get('A')?.id).toBe('A');
    expect(cache.get('B')?.id).toBe('B');
    cache.get('A');
    cache.set('C', record('C'));
    expect(cache.get('B')).toBeUndefined();
    expect(cache.get('A')).toBeDefined();
    expect(cache.size).toBe(2);
  });

  it('evicts on key and owner changes and clears on "all"', () => {
    const cache = new KeyCache();
    cache.set('A', record('A', 'sa-1'));
    cache.set('B', record('B', 'sa-1'));
    cache.set('C', record('C', 'sa-2'));
    cache.apply({ kind: 'owner', id: 'sa-1' });
    expect(cache.get('A')).toBeUndefined();
    expect(cache.get('B')).toBeUndefined();
    expect(cache.get('C')).toBeDefined();
    cache.apply({ kind: 'api-key', id: 'C' });
    expect(cache.get('C')).toBeUndefined();
    cache.set('D', record('D', 'sa-3'));
    cache.apply({ kind: 'all' });
    expect(cache.size).toBe(0);
  });

  it('evicts in least-recently-used order across many sets, hits, evictions and clears', () => {
    // a reference LRU: an array, most recent last
    const capacity = 50;
    const cache = new KeyCache(capacity);
    let reference: string[] = [];
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let step = 0; step < 20_000; step++) {
      const id = `K${random(120)}`;
      const op = random(100);
      if (op < 55) {
        cache.set(id, record(id, `sa-${random(5)}`));
        reference = [...reference.filter((k) => k !== id), id];
        if (reference.length > capacity) reference.shift();
      } else if (op < 90) {
        const hit = cache.get(id);
        expect(hit?.id).toBe(reference.includes(id) ? id : undefined);
        if (hit) reference = [...reference.filter((k) => k !== id), id];
      } else if (op < 99) {
        cache.evict(id);
        reference = reference.filter((k) => k !== id);
      } else {
        cache.clear();
        reference = [];
      }
      expect(cache.size).toBe(reference.length);
    }
    for (const id of reference) expect(cache.get(id)?.id).toBe(id);
  });
});
