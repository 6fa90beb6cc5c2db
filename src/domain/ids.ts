import { randomInt } from 'node:crypto';
import { ID_PREFIXES, type IdKind } from './id-patterns.js';

/** The identifier shapes are `id-patterns.ts` (pure, re-exported here); this module issues new ids. */
export { ID_PATTERNS, ID_PREFIXES, type IdKind } from './id-patterns.js';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A new identifier such as `env-a1b2c3`: the kind's prefix and 6 characters `[a-z0-9]`. */
export function newId(kind: IdKind): string {
  return ID_PREFIXES[kind] + randomString(LOWER_ALNUM, 6);
}

/** A new API key id: 16 characters `[A-Z0-9]`. */
export function newApiKeyId(): string {
  return randomString(UPPER_ALNUM, 16);
}

