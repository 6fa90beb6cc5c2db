import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SECRET_LENGTH, isWellFormedSecret, maskSecret, secretChecksum } from './secrets.js';
import { maskSecretsInText, maskSecretsInValue } from './mask-secrets.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const base62Char = fc.constantFrom(...BASE62.split(''));

/** A valid secret drawn by fast-check (so failures shrink and replay from the seed). */
const secretArb = fc.array(base62Char, { minLength: 55, maxLength: 55 }).map((chars) => {
  const body = `kw_${chars.join('')}`;
  return body + secretChecksum(body);
});

/** The secret's shape with a wrong checksum: looks like one, is not one. */
const lookalikeArb = secretArb.chain((secret) =>
  fc.constantFrom(...BASE62.split('')).filter((c) => c !== secret.at(-1)).map((c) => secret.slice(0, -1) + c),
);

/** Free text around secrets: anything, including the prefix itself and characters secrets are made of. */
const fillerArb = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('kw_', 'kw', '_', ' ', '\n', 'é', 'x'), fc.array(base62Char, { maxLength: 8 }).map((c) => c.join('')));

/** Every valid secret at any offset: the oracle the implementation is checked against. */
function containsSecret(text: string): boolean {
  for (let i = 0; i + SECRET_LENGTH <= text.length; i++) if (isWellFormedSecret(text.slice(i, i + SECRET_LENGTH))) return true;
  return false;
}

const seed = 20261201;

describe('maskSecretsInText', () => {
  it('masks every valid secret, wherever it stands in the text, as scan masks it', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fillerArb, secretArb), { minLength: 1, maxLength: 5 }), fillerArb, (parts, tail) => {
        const text = parts.map(([filler, secret]) => filler + secret).join('') + tail;
        const masked = maskSecretsInText(text);
        for (const [, secret] of parts) {
          expect(masked).not.toContain(secret);
          expect(masked).toContain(maskSecret(secret));
        }
        expect(containsSecret(masked)).toBe(false);
      }),
      { seed, numRuns: 500 },
    );
  });

  it('never changes text that holds no secret (look-alikes with a wrong checksum included)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fillerArb, lookalikeArb), { maxLength: 6 }), (pieces) => {
        const text = pieces.join('');
        fc.pre(!containsSecret(text));
        expect(maskSecretsInText(text)).toBe(text);
      }),
      { seed, numRuns: 500 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fillerArb, secretArb, lookalikeArb), { maxLength: 6 }), (pieces) => {
        const once = maskSecretsInText(pieces.join(''));
        expect(maskSecretsInText(once)).toBe(once);
      }),
      { seed, numRuns: 500 },
    );
  });

  it('finds a secret right after a failed look-alike that overlaps it', () => {
    const secret = `kw_${'A'.repeat(55)}4VK9NQ`;
    expect(maskSecretsInText(`kw_${secret}`)).toBe(`kw_${maskSecret(secret)}`);
    expect(maskSecretsInText(`name ${secret}trailing`)).toBe(`name kw_AAAA********K9NQtrailing`);
  });
});

describe('maskSecretsInValue', () => {
  it('masks strings in nested objects and arrays, keys included, and returns untouched values as they are', () => {
    const secret = `kw_${'A'.repeat(55)}4VK9NQ`;
    const clean = { a: 1, b: ['x', { c: null }] };
    expect(maskSecretsInValue(clean)).toBe(clean);
    expect(maskSecretsInValue({ a: { b: [`ua ${secret}`] }, [secret]: true, n: 2 })).toEqual({ a: { b: [`ua ${maskSecret(secret)}`] }, [maskSecret(secret)]: true, n: 2 });
  });
});
