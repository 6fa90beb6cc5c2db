import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, eventHash, GENESIS_HASH } from './chain.js';

describe('audit chain', () => {
  it('serialises objects with sorted keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });
  it('changes the hash when any field or the previous hash changes', () => {
    const event = {
      specversion: '1.0' as const, id: 'x', source: 's', type: 'io.keyward.management' as const, subject: 's', time: 't',
      datacontenttype: 'application/json' as const, data: { a: 1 }, keywardchain: 'c', keywardseq: 1, keywardprevhash: GENESIS_HASH,
    };
    const h = eventHash(event);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHash({ ...event, data: { a: 2 } })).not.toBe(h);
    expect(eventHash({ ...event, keywardprevhash: 'f'.repeat(64) })).not.toBe(h);
    expect(eventHash({ ...event })).toBe(h);
  });
});

describe('canonical serialisation', () => {
  it('skips undefined fields and keeps arrays in order', () => {
    expect(canonicalJson({ b: undefined, a: [3, 1, { d: undefined, c: 'x' }] })).toBe('{"a":[3,1,{"c":"x"}]}');
  });
  it('hashes an event the same whether or not it carries its own hash', () => {
    const base = {
      specversion: '1.0' as const, id: 'x', source: 's', type: 'io.keyward.management' as const, subject: 's', time: 't',
      datacontenttype: 'application/json' as const, data: { z: 1, a: { y: 2, b: null } }, keywardchain: 'c', keywardseq: 7, keywardprevhash: GENESIS_HASH,
    };
    const expected = createHash('sha256').update(GENESIS_HASH + canonicalJson({ ...base, keywardprevhash: undefined })).digest('hex');
    expect(eventHash(base)).toBe(expected);
    expect(eventHash({ ...base, keywardhash: 'ignored' } as typeof base)).toBe(expected);
  });
});
