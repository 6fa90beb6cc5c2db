import { describe, expect, it } from 'vitest';
import { BruteForceGuard } from './brute-force.js';
import { KeyCache } from './key-cache.js';
import type { KeyLookup, KeyRecord } from './key-record.js';
import type { LastUsedRecorder } from './last-used.js';
import { createVerifier } from './verifier.js';
import type { VerifyAudit } from './verify-audit.js';

const KEY = 'ABCDEFGHIJKLMNOP';
const REQUEST = { clientAddress: '192.0.2.1', requestId: 'r1' } as never;

function verifier(lookup: KeyLookup) {
  const results: string[] = [];
  const audit = { result: (_input: unknown, result: { code: string }) => results.push(result.code), block: () => undefined } as unknown as VerifyAudit;
  const lastUsed = { touch: () => undefined } as unknown as LastUsedRecorder;
  const cache = new KeyCache();
  const verify = createVerifier({ lookup, organizationId: 'org-1', clock: () => new Date('2026-01-01T00:00:00Z'), cache, guard: new BruteForceGuard(), lastUsed, audit });
  return { verify, cache, results };
}

const input = (secret: string) => ({ key: KEY, secret, method: 'keyward.Verify', mechanism: 'VERIFY_API' as const, request: REQUEST });

describe('the verifier reading a key (load)', () => {
  it('a store that fails to read, synchronously or not, gives a rejected promise, never a throw or a cached entry', async () => {
    const failure = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
    for (const lookup of [() => { throw failure; }, () => Promise.reject(failure)] as KeyLookup[]) {
      const { verify, cache, results } = verifier(lookup);
      let outcome: unknown;
      expect(() => (outcome = verify(input('secret')))).not.toThrow();
      expect(outcome).toBeInstanceOf(Promise);
      await expect(outcome).rejects.toBe(failure);
      expect(cache.size).toBe(0);
      expect(results).toEqual([]);
    }
  });

  it('caches what a synchronous lookup found, and nothing for an unknown id', async () => {
    let reads = 0;
    const record: KeyRecord = {
      id: KEY, secretHash: 'x'.repeat(64), status: 'ACTIVE', expiresAt: null, ownerId: 'sa-1', ownerKind: 'service-account', ownerStatus: 'ACTIVE', resourceId: 'lkc-1', resourceKind: 'kafka', environment: null,
    };
    const { verify, cache } = verifier((id) => {
      reads++;
      return id === KEY ? record : undefined;
    });
    expect((await verify(input('wrong'))).code).toBe('INVALID_CREDENTIALS');
    expect(cache.size).toBe(1);
    expect(reads).toBe(1);
    expect((await verify({ ...input('wrong'), key: 'ZZZZZZZZZZZZZZZZ' })).code).toBe('INVALID_CREDENTIALS');
    expect(cache.size).toBe(1);
    expect(reads).toBe(2);
  });
});
