import { randomInt } from 'node:crypto';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export const ID_PREFIXES = {
  environment: 'env-',
  kafkaCluster: 'lkc-',
  schemaRegistry: 'lsrc-',
  user: 'u-',
  serviceAccount: 'sa-',
  roleBinding: 'rb-',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** A new identifier such as `env-a1b2c3`: the kind's prefix and 6 characters `[a-z0-9]`. */
export function newId(kind: IdKind): string {
  return ID_PREFIXES[kind] + randomString(LOWER_ALNUM, 6);
}

/** A new API key id: 16 characters `[A-Z0-9]`. */
export function newApiKeyId(): string {
  return randomString(UPPER_ALNUM, 16);
}

export const ID_PATTERNS = {
  environment: /^env-[a-z0-9]{6}$/,
  kafkaCluster: /^lkc-[a-z0-9]{6}$/,
  schemaRegistry: /^lsrc-[a-z0-9]{6}$/,
  user: /^u-[a-z0-9]{6}$/,
  serviceAccount: /^sa-[a-z0-9]{6}$/,
  roleBinding: /^rb-[a-z0-9]{6}$/,
  apiKey: /^[A-Z0-9]{16}$/,
} as const;

