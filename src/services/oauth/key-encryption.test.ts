import { describe, expect, it } from 'vitest';
import { decryptPrivateKey, encryptPrivateKey } from './key-encryption.js';

describe('signing key encryption', () => {
  it('round-trips and hides the plaintext', () => {
    const stored = encryptPrivateKey('{"d":"secret-part"}', 'master');
    expect(stored).not.toContain('secret-part');
    expect(decryptPrivateKey(stored, 'master')).toBe('{"d":"secret-part"}');
  });
  it('fails closed with a clear message on a wrong or missing master key', () => {
    const stored = encryptPrivateKey('x', 'master');
    expect(() => decryptPrivateKey(stored, 'other')).toThrow(/does not decrypt/);
    expect(() => decryptPrivateKey(stored, undefined)).toThrow(/set KEYWARD_MASTER_KEY/);
  });
});
