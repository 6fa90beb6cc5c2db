import { describe, expect, it } from 'vitest';
import { hashSecret } from '../secrets.js';
import { checkKeyDigest, checkLogin, isExpired, type ReplicaKey } from './login-check.js';

const NOW = new Date('2026-06-01T00:00:00.000Z');
const PASSWORD = 'correct horse';

function key(overrides: Partial<ReplicaKey> = {}): ReplicaKey {
  return {
    id: 'AAAAAAAAAAAAAAAA',
    secret_sha256: hashSecret(PASSWORD),
    status: 'ACTIVE',
    owner: { id: 'sa-aaaaaa', kind: 'service-account', status: 'ACTIVE' },
    expires_at: null,
    ...overrides,
  };
}

describe('checkLogin', () => {
  it('checks credentials, then key status, then owner status, then expiry', () => {
    expect(checkLogin(key(), 'AAAAAAAAAAAAAAAA', PASSWORD, NOW)).toBe('VALID');
    expect(checkLogin(null, 'AAAAAAAAAAAAAAAA', PASSWORD, NOW)).toBe('INVALID_CREDENTIALS');
    expect(checkLogin(key(), 'BBBBBBBBBBBBBBBB', PASSWORD, NOW)).toBe('INVALID_CREDENTIALS');
    // A wrong secret says nothing about the key's state.
    const everythingWrong = key({ status: 'DISABLED', owner: { id: 'sa-aaaaaa', kind: 'user', status: 'DISABLED' }, expires_at: '2020-01-01T00:00:00.000Z' });
    expect(checkLogin(everythingWrong, 'AAAAAAAAAAAAAAAA', 'wrong', NOW)).toBe('INVALID_CREDENTIALS');
    expect(checkLogin(everythingWrong, 'AAAAAAAAAAAAAAAA', PASSWORD, NOW)).toBe('DISABLED');
    expect(checkLogin(key({ owner: { id: 'sa-aaaaaa', kind: 'service-account', status: 'DISABLED' }, expires_at: '2020-01-01T00:00:00.000Z' }), 'AAAAAAAAAAAAAAAA', PASSWORD, NOW)).toBe('DISABLED');
    expect(checkLogin(key({ expires_at: '2020-01-01T00:00:00.000Z' }), 'AAAAAAAAAAAAAAAA', PASSWORD, NOW)).toBe('EXPIRED');
  });

  it('hashes the password as UTF-8 and compares the whole digest', () => {
    expect(checkLogin(key({ secret_sha256: hashSecret('pässwörd ✓') }), 'AAAAAAAAAAAAAAAA', 'pässwörd ✓', NOW)).toBe('VALID');
    expect(checkLogin(key({ secret_sha256: hashSecret('') }), 'AAAAAAAAAAAAAAAA', '', NOW)).toBe('VALID');
    expect(checkLogin(key({ secret_sha256: hashSecret(PASSWORD).toUpperCase() }), 'AAAAAAAAAAAAAAAA', PASSWORD, NOW)).toBe('INVALID_CREDENTIALS');
  });
});

describe('checkKeyDigest', () => {
  it('names which of key and owner is disabled', () => {
    const digest = hashSecret(PASSWORD);
    expect(checkKeyDigest({ secretHash: digest, status: 'DISABLED', ownerStatus: 'ACTIVE', expiresAt: null }, digest, () => NOW)).toEqual({ result: 'DISABLED', disabled: 'key' });
    expect(checkKeyDigest({ secretHash: digest, status: 'ACTIVE', ownerStatus: 'DELETED', expiresAt: null }, digest, () => NOW)).toEqual({ result: 'DISABLED', disabled: 'owner' });
    expect(checkKeyDigest(undefined, digest, () => NOW)).toEqual({ result: 'INVALID_CREDENTIALS' });
  });
});

describe('isExpired', () => {
  it('is inclusive of expires_at, compares instants rather than texts, and fails closed on nonsense', () => {
    expect(isExpired(null, NOW)).toBe(false);
    expect(isExpired('2026-06-01T00:00:00.000Z', NOW)).toBe(true);
    expect(isExpired('2026-06-01T00:00:00Z', NOW)).toBe(true);
    expect(isExpired('2026-06-01T00:00:00.001Z', NOW)).toBe(false);
    expect(isExpired('2026-06-01T02:00:00.000+02:00', NOW)).toBe(true);
    expect(isExpired('not a time', NOW)).toBe(true);
  });
});
