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
});
