import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHmac, hkdfSync } from 'node:crypto';
import { AuditKey, auditKeyFromMasterKey } from './audit-key.js';
import { canonicalJson, eventHash, GENESIS_HASH, legacyEventHash } from './chain.js';

const key = auditKeyFromMasterKey('chain test master key');

describe('audit chain', () => {
  it('serialises objects with sorted keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });
  it('changes the hash when any field or the previous hash changes', () => {
    const event = {
      specversion: '1.0' as const, id: 'x', source: 's', type: 'io.keyward.management' as const, subject: 's', time: 't',
      datacontenttype: 'application/json' as const, data: { a: 1 }, keywardchain: 'c', keywardseq: 1, keywardprevhash: GENESIS_HASH,
    };
    const h = eventHash(key, event);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHash(key, { ...event, data: { a: 2 } })).not.toBe(h);
    expect(eventHash(key, { ...event, keywardprevhash: 'f'.repeat(64) })).not.toBe(h);
    expect(eventHash(key, { ...event })).toBe(h);
  });
  it('is keyed: another key, or the unkeyed sha256 of the legacy chains, gives another hash', () => {
    const event = {
      specversion: '1.0' as const, id: 'x', source: 's', type: 'io.keyward.management' as const, subject: 's', time: 't',
      datacontenttype: 'application/json' as const, data: { a: 1 }, keywardchain: 'c', keywardseq: 1, keywardprevhash: GENESIS_HASH,
    };
    const text = GENESIS_HASH + canonicalJson({ ...event, keywardprevhash: undefined });
    const chainKey = Buffer.from(hkdfSync('sha256', Buffer.alloc(32, 7), Buffer.alloc(0), 'keyward audit chain v1', 32));
    expect(eventHash(new AuditKey(Buffer.alloc(32, 7), 'key-file'), event)).toBe(createHmac('sha256', chainKey).update(text).digest('hex'));
    expect(eventHash(auditKeyFromMasterKey('another master key'), event)).not.toBe(eventHash(key, event));
    expect(legacyEventHash(event)).toBe(createHash('sha256').update(text).digest('hex'));
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
    expect(legacyEventHash(base)).toBe(expected);
    expect(legacyEventHash({ ...base, keywardhash: 'ignored' } as typeof base)).toBe(expected);
    expect(eventHash(key, { ...base, keywardhash: 'ignored' } as typeof base)).toBe(eventHash(key, base));
  });
});
