import { crc32 } from './crc32.js';

/**
 * The shape of API secrets (DESIGN §1): `kw_` + 55 random `[0-9A-Za-z]` + 6-character checksum, 64
 * characters in all. The checksum is CRC-32 (IEEE, as zlib) of the first 58 characters, written in
 * base62 with the alphabet `0-9A-Za-z` and left-padded with `0` to 6 characters. Pure (no Node
 * built-ins): recognising and masking a secret works in any runtime; `secrets.ts` generates and hashes them.
 */
export const SECRET_PREFIX = 'kw_';
export const SECRET_LENGTH = 64;
/** The base62 alphabet of the random part and of the checksum. */
export const SECRET_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** How many random characters follow the prefix. */
export const SECRET_RANDOM_LENGTH = 55;
const CHECKSUM_LENGTH = 6;
const BODY_LENGTH = SECRET_PREFIX.length + SECRET_RANDOM_LENGTH;

export const SECRET_SHAPE = /kw_[0-9A-Za-z]{61}/g;

export function base62(value: number, width: number): string {
  let n = value >>> 0;
  let out = '';
  do {
    out = SECRET_ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, '0');
}

export function secretChecksum(body: string): string {
  return base62(crc32(body), CHECKSUM_LENGTH);
}

/** True when the string has the secret's shape and its checksum matches. */
export function isWellFormedSecret(candidate: string): boolean {
  if (candidate.length !== SECRET_LENGTH || !candidate.startsWith(SECRET_PREFIX)) return false;
  if (!/^kw_[0-9A-Za-z]{61}$/.test(candidate)) return false;
  return secretChecksum(candidate.slice(0, BODY_LENGTH)) === candidate.slice(BODY_LENGTH);
}

/** `kw_abc…xyz`: enough to recognise a secret in a report, not enough to use it. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 7)}${'*'.repeat(8)}${secret.slice(-4)}`;
}

/** A web console session token (session-token.ts): `kws_` and 43 base64url characters (256 bits). */
export const SESSION_TOKEN_PREFIX = 'kws_';
export const SESSION_TOKEN_SHAPE = /kws_[A-Za-z0-9_-]{43}/g;

/** `kws_abcd********`: the token's first four characters, the rest hidden. */
export function maskSessionToken(token: string): string {
  return `${token.slice(0, 8)}${'*'.repeat(8)}`;
}
