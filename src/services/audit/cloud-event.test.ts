import { describe, expect, it } from 'vitest';
import { generateSecret, maskSecret } from '../../domain/secrets.js';
import { auditKeyFromMasterKey } from './audit-key.js';
import { canonicalJson, chainPrepared, eventHash, GENESIS_HASH } from './chain.js';
import { maskedCanonicalJson, prepareEvent, type AuditInput, type CloudEvent } from './cloud-event.js';

const key = auditKeyFromMasterKey('cloud event test master key');
const now = new Date('2027-01-01T00:00:00.000Z');

function stored(input: AuditInput, seq = 7, prev = GENESIS_HASH) {
  const prepared = prepareEvent('crn://keyward/organization=o', input, now);
  const chained = chainPrepared(key, prepared, JSON.stringify('abc/data-plane'), seq, prev);
  return { prepared, chained, event: JSON.parse(chained.json) as CloudEvent };
}

const full: AuditInput = {
  type: 'io.keyward.authorization', method: 'keyward.Verify', subject: 'crn://keyward/organization=o/environment=env-x/cloud-cluster=lkc-x',
  resourceName: 'crn://keyward/organization=o/environment=env-x/cloud-cluster=lkc-x/topic=orders', principal: 'User:sa-abc123', apiKey: 'UTT6WDRXX7FHD2GV',
  mechanism: 'VERIFY_API', authorization: { granted: false, operation: 'READ', resourceType: 'TOPIC', resourceName: 'orders', nested: { z: [1, 'two', null], a: true } },
  request: { clientAddress: '127.0.0.1', requestId: 'req-1', userAgent: 'curl/8' }, status: 'UNAUTHORIZED', reason: 'DENIED',
  details: { b: 2, a: 'x', list: [{ y: 1, x: 2 }] }, time: new Date('2027-01-01T00:00:01.000Z'),
  aggregate: { count: 3, firstTime: new Date('2027-01-01T00:00:01.000Z'), lastTime: new Date('2027-01-01T00:00:59.000Z') },
};

describe('prepared events', () => {
  it('are stored as their canonical JSON with the hash fields, and hash as verify recomputes it from the stored JSON', () => {
    for (const input of [full, { type: 'io.keyward.management', method: 'iam.CreateAPIKey', subject: 's', status: 'SUCCESS' } satisfies AuditInput]) {
      const { chained, event } = stored(input, 42, 'f'.repeat(64));
      expect(canonicalJson(event)).toBe(chained.json);
      expect(event).toMatchObject({ keywardchain: 'abc/data-plane', keywardseq: 42, keywardprevhash: 'f'.repeat(64), keywardhash: chained.hash });
      const { keywardhash, ...unhashed } = event;
      expect(eventHash(key, unhashed)).toBe(keywardhash);
    }
  });

  it('hold the fields of a CloudEvent, with the columns derived from them', () => {
    const { prepared, event } = stored(full);
    expect(event).toEqual({
      specversion: '1.0', id: prepared.id, source: 'crn://keyward/organization=o', type: 'io.keyward.authorization', subject: full.subject,
      time: '2027-01-01T00:00:01.000Z', datacontenttype: 'application/json', keywardchain: 'abc/data-plane', keywardseq: 7,
      keywardprevhash: GENESIS_HASH, keywardhash: expect.stringMatching(/^[0-9a-f]{64}$/),
      data: {
        methodName: 'keyward.Verify', resourceName: full.resourceName,
        authenticationInfo: { principal: 'User:sa-abc123', metadata: { mechanism: 'VERIFY_API', identifier: 'UTT6WDRXX7FHD2GV' } },
        authorizationInfo: full.authorization, requestMetadata: full.request, request: full.details,
        count: 3, firstTime: '2027-01-01T00:00:01.000Z', lastTime: '2027-01-01T00:00:59.000Z', result: { status: 'UNAUTHORIZED', reason: 'DENIED' },
      },
    });
    expect(prepared).toMatchObject({ time: event.time, type: event.type, method: 'keyward.Verify', principal: 'User:sa-abc123', apiKey: 'UTT6WDRXX7FHD2GV', result: 'UNAUTHORIZED' });
    const bare = stored({ type: 'io.keyward.authentication', method: 'keyward.Verify', subject: 's', apiKey: 'K', status: 'UNAUTHENTICATED', request: {} });
    expect(bare.event.data).toEqual({ methodName: 'keyward.Verify', resourceName: 's', authenticationInfo: { principal: null, metadata: { identifier: 'K' } }, requestMetadata: { clientAddress: null, requestId: null, userAgent: null }, result: { status: 'UNAUTHENTICATED' } });
    expect(bare.prepared).toMatchObject({ principal: null, apiKey: 'K' });
  });

  it('mask a keyward secret in every string a client can choose, object keys included', () => {
    const secret = generateSecret();
    const masked = maskSecret(secret);
    const { chained, event, prepared } = stored({
      type: 'io.keyward.authentication', method: 'keyward.Verify', subject: `crn://keyward/organization=o/x=${secret}`, resourceName: `r${secret}`,
      principal: `User:${secret}`, apiKey: secret, mechanism: 'VERIFY_API', authorization: { resourceName: `topic-${secret}`, [secret]: 1 },
      request: { clientAddress: '127.0.0.1', requestId: secret, userAgent: `agent ${secret}` }, status: 'UNAUTHENTICATED', reason: `bad ${secret}`,
      details: { note: [secret], [`k${secret}`]: secret },
    });
    expect(chained.json).not.toContain(secret);
    expect(chained.json).toContain(masked);
    expect(canonicalJson(event)).toBe(chained.json);
    expect(JSON.stringify(prepared)).not.toContain(secret);
    expect(event.data).toMatchObject({ requestMetadata: { userAgent: `agent ${masked}`, requestId: masked }, authorizationInfo: { resourceName: `topic-${masked}`, [masked]: 1 } });
  });

  it('serialise free-form values canonically and masked in one walk', () => {
    const secret = generateSecret();
    expect(maskedCanonicalJson({ b: undefined, a: [3, undefined, { d: 1, c: secret }] })).toBe(`{"a":[3,null,{"c":"${maskSecret(secret)}","d":1}]}`);
    // a key that masking changes: the same object as maskSecretsInValue gives
    expect(maskedCanonicalJson({ [secret]: 1, a: 2 })).toBe(`{"a":2,"${maskSecret(secret)}":1}`);
  });
});
