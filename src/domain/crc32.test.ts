import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';

describe('crc32', () => {
  it('gives the standard check value and that of the empty text', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
  });

  it('agrees with zlib on ASCII and multi-byte text', () => {
    for (const text of ['kw_' + 'A'.repeat(55), 'kw_' + '0123456789'.repeat(5) + 'abcde', 'grüße, 日本', '\u0000\u00ff']) {
      expect(crc32(text)).toBe(zlibCrc32(Buffer.from(text, 'utf8')));
    }
  });
});
