import { describe, expect, it } from 'vitest';
import { generateSecret, secretChecksum } from '../secrets.js';
import { findSecretsInText } from './find-secrets-in-text.js';

/** The design's test vector: `kw_` + 55 × `A`, checksum `4VK9NQ`. */
const VECTOR = `kw_${'A'.repeat(55)}4VK9NQ`;

function brokenChecksum(secret: string): string {
  const last = secret.at(-1) === 'a' ? 'b' : 'a';
  return secret.slice(0, -1) + last;
}

describe('findSecretsInText', () => {
  it('recognises the design test vector', () => {
    expect(secretChecksum(VECTOR.slice(0, 58))).toBe('4VK9NQ');
    expect(findSecretsInText(VECTOR)).toEqual([{ line: 1, column: 1, secret: VECTOR }]);
  });

  it('reports 1-based line and column of every secret, across lines and on one line', () => {
    const [a, b, c] = [generateSecret(), generateSecret(), generateSecret()];
    const text = `# config\nKEY=ABCDEF\r\nKEYWARD_API_SECRET=${a}\n\n  "${b}", '${c}'\n`;
    expect(findSecretsInText(text)).toEqual([
      { line: 3, column: 20, secret: a },
      { line: 5, column: 4, secret: b },
      { line: 5, column: 72, secret: c },
    ]);
  });

  it('does not report a string of the same shape whose checksum does not match', () => {
    const secret = generateSecret();
    expect(findSecretsInText(`token: ${brokenChecksum(secret)}`)).toEqual([]);
    expect(findSecretsInText(`kw_${'A'.repeat(55)}4VK9NR`)).toEqual([]);
    expect(findSecretsInText(`kw_${'x'.repeat(61)}`)).toEqual([]);
  });

  it('does not report a valid secret embedded in a longer run of [0-9A-Za-z_]', () => {
    const secret = generateSecret();
    for (const text of [`x${secret}`, `${secret}x`, `_${secret}`, `${secret}_`, `0${secret}9`, `kw_${secret}`]) {
      expect(findSecretsInText(text), text).toEqual([]);
    }
  });

  it('reports a secret bounded by punctuation, quotes, spaces or the ends of the text', () => {
    const secret = generateSecret();
    for (const text of [secret, `=${secret};`, `"${secret}"`, `${secret}-`, `:${secret}@host`, `/${secret}/`, `é${secret}`]) {
      expect(findSecretsInText(text).map((f) => f.secret), text).toEqual([secret]);
    }
  });

  it('finds a secret after a look-alike on the same line', () => {
    const secret = generateSecret();
    const text = `${brokenChecksum(generateSecret())} ${secret}`;
    expect(findSecretsInText(text)).toEqual([{ line: 1, column: 66, secret }]);
  });

  it('finds nothing in text without secrets', () => {
    expect(findSecretsInText('')).toEqual([]);
    expect(findSecretsInText('kw_short and some\nother lines')).toEqual([]);
  });
});
