import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, isWellFormedSecret, maskSecret, secretChecksum, digestsEqual } from './secrets.js';

describe('secrets', () => {
  it('matches the checksum test vectors of the design', () => {
    expect(secretChecksum('kw_' + 'A'.repeat(55))).toBe('4VK9NQ');
    expect(secretChecksum('kw_' + '0123456789'.repeat(5) + 'abcde')).toBe('4H3Wmh');
  });

  it('generates 64-character secrets with a valid checksum', () => {
    for (let i = 0; i < 200; i++) {
      const s = generateSecret();
      expect(s).toHaveLength(64);
      expect(s.startsWith('kw_')).toBe(true);
      expect(isWellFormedSecret(s)).toBe(true);
    }
  });

  it('rejects look-alikes with a broken checksum or shape', () => {
    const s = generateSecret();
    const last = s.at(-1) === 'a' ? 'b' : 'a';
    expect(isWellFormedSecret(s.slice(0, -1) + last)).toBe(false);
    expect(isWellFormedSecret(s.slice(1))).toBe(false);
    expect(isWellFormedSecret('xx' + s.slice(2))).toBe(false);
    expect(isWellFormedSecret(s.slice(0, 10) + '-' + s.slice(11))).toBe(false);
  });

  it('hashes with SHA-256 and compares digests', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(digestsEqual(hashSecret('a'), hashSecret('a'))).toBe(true);
    expect(digestsEqual(hashSecret('a'), hashSecret('b'))).toBe(false);
    expect(digestsEqual('ab', 'abc')).toBe(false);
  });

  it('masks all but the prefix and the last characters', () => {
    const s = generateSecret();
    const m = maskSecret(s);
    expect(m.startsWith('kw_')).toBe(true);
    expect(m).not.toContain(s.slice(7, 60));
  });
});

describe('hashSecret', () => {
  it('is the hex SHA-256 of the UTF-8 text, as createHash computes it', () => {
    for (const text of ['', 'kw_abc', `kw_${'x'.repeat(61)}`, 'pässwörd ✓ 🔑']) {
      expect(hashSecret(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    }
  });
});
