import * as nodeCrypto from 'node:crypto';
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { SECRET_ALPHABET, SECRET_PREFIX, SECRET_RANDOM_LENGTH, secretChecksum } from './secret-format.js';

/**
 * API secrets: their shape, checksum and mask are `secret-format.ts` (pure, re-exported here); this
 * module generates them and hashes them (SHA-256, the only form in which a secret is stored).
 */
export {
  SECRET_LENGTH,
  SECRET_PREFIX,
  SECRET_SHAPE,
  base62,
  isWellFormedSecret,
  maskSecret,
  secretChecksum,
} from './secret-format.js';

export function generateSecret(): string {
  let body = SECRET_PREFIX;
  for (let i = 0; i < SECRET_RANDOM_LENGTH; i++) body += SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)];
  return body + secretChecksum(body);
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
