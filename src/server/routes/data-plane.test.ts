import { describe, expect, it } from 'vitest';
import type { KeyRecord } from '../../services/verify/key-record.js';
import type { VerifyResult } from '../../services/verify/verifier.js';
import { validBodyCache, verifyBody } from './data-plane.js';

const RECORD: KeyRecord = {
  id: 'ABCDEFGHIJKLMNOP',
  secretHash: 'f'.repeat(64),
  status: 'ACTIVE',
  expiresAt: null,
  ownerId: 'sa-1',
  ownerKind: 'service-account',
  ownerStatus: 'ACTIVE',
  resourceId: 'lkc-1',
  resourceKind: 'kafka',
  environment: 'env-1',
};

function valid(key: KeyRecord): Extract<VerifyResult, { valid: true }> {
  return { valid: true, code: 'VALID', key, principal: `User:${key.ownerId}` };
}

/** A serializer that counts its calls and writes what JSON.stringify writes. */
function counting() {
  const calls: unknown[] = [];
  return {
    calls,
    serialize(payload: unknown) {
      calls.push(payload);
      return JSON.stringify(payload);
    },
  };
}

describe('validBodyCache', () => {
  it('serializes a key record once and answers its later requests with the same body', () => {
    const cache = validBodyCache();
    const serializer = counting();
    const key = { ...RECORD };
    const first = cache(valid(key), serializer);
    expect(first).toBe(JSON.stringify(verifyBody(valid(key))));
    expect(cache(valid(key), serializer)).toBe(first);
    expect(serializer.calls).toHaveLength(1);
  });

  it('writes the body again when a field it shows changed, in a new record or in the same one', () => {
    const cache = validBodyCache();
    const serializer = counting();
    const key = { ...RECORD };
    cache(valid(key), serializer);
    const renewed = { ...RECORD, expiresAt: '2030-01-01T00:00:00.000Z' };
    expect(JSON.parse(cache(valid(renewed), serializer) as string)).toMatchObject({ expires_at: '2030-01-01T00:00:00.000Z' });
    key.ownerId = 'sa-2';
    key.environment = null;
    expect(JSON.parse(cache(valid(key), serializer) as string)).toMatchObject({ principal: 'User:sa-2', owner: { id: 'sa-2' }, resource: { environment: null } });
    key.resourceKind = 'schema-registry';
    key.resourceId = 'lsrc-1';
    expect(JSON.parse(cache(valid(key), serializer) as string)).toMatchObject({ resource: { id: 'lsrc-1', type: 'schema-registry' } });
    expect(serializer.calls).toHaveLength(4);
  });
});
