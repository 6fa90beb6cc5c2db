import * as nodeCrypto from 'node:crypto';
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * API secrets: `kw_` + 55 random `[0-9A-Za-z]` + 6-character checksum, 64 characters in all.
 * The checksum is CRC-32 (IEEE, as zlib) of the first 58 characters, written in base62 with the
 * alphabet `0-9A-Za-z` and left-padded with `0` to 6 characters. Secrets are stored only as SHA-256.
 */
export const SECRET_PREFIX = 'kw_';
export const SECRET_LENGTH = 64;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 55;
const CHECKSUM_LENGTH = 6;
const BODY_LENGTH = SECRET_PREFIX.length + RANDOM_LENGTH;

export const SECRET_SHAPE = /kw_[0-9A-Za-z]{61}/g;

export function base62(value: number, width: number): string {
  let n = value >>> 0;
  let out = '';
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, '0');
}

export function secretChecksum(body: string): string {
  return base62(crc32(Buffer.from(body, 'utf8')), CHECKSUM_LENGTH);
}

export function generateSecret(): string {
  let body = SECRET_PREFIX;
  for (let i = 0; i < RANDOM_LENGTH; i++) body += BASE62[randomInt(62)];
  return body + secretChecksum(body);
}

/** True when the string has the secret's shape and its checksum matches. */
export function isWellFormedSecret(candidate: string): boolean {
  if (candidate.length !== SECRET_LENGTH || !candidate.startsWith(SECRET_PREFIX)) return false;
  if (!/^kw_[0-9A-Za-z]{61}$/.test(candidate)) return false;
  return secretChecksum(candidate.slice(0, BODY_LENGTH)) === candidate.slice(BODY_LENGTH);
}

/** SHA-256 of the secret, hex-encoded: the only form in which a secret is stored. */
export const hashSecret: (secret: string) => string =
  // crypto.hash (Node 20.12+) is one call without a Hash object: a verify hashes on every request.
  typeof nodeCrypto.hash === 'function'
    ? (secret) => nodeCrypto.hash('sha256', secret, 'hex')
    : (secret) => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Constant-time comparison of two hex digests of equal length. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/** `kw_abc…xyz`: enough to recognise a secret in a report, not enough to use it. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 7)}${'*'.repeat(8)}${secret.slice(-4)}`;
}
