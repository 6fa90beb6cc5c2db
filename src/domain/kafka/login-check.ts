/**
 * The key check, pure: keyward's fixed order — credentials, key status, owner status, expiry — as the
 * verify API applies it to a stored key and the Kafka broker plugin to a replica key (DESIGN §8; the
 * decision vectors hold both to the same answers).
 *
 * The credential comparison always runs, in constant time, against a fixed dummy hash when no key is
 * known, so an unknown key id and a wrong secret cost the same.
 */
import { digestsEqual, hashSecret } from '../secrets.js';

export type LoginResult = 'VALID' | 'INVALID_CREDENTIALS' | 'DISABLED' | 'EXPIRED';

/** What the check needs of a key: its secret's SHA-256 (hex), the key's and its owner's status, its expiry. */
export interface CheckableKey {
  secretHash: string;
  status: string;
  ownerStatus: string;
  /** RFC 3339; null for a key that never expires. */
  expiresAt: string | null;
}

export type KeyCheck =
  | { result: 'VALID' }
  | { result: 'INVALID_CREDENTIALS' }
  | { result: 'DISABLED'; disabled: 'key' | 'owner' }
  | { result: 'EXPIRED' };

/** Compared against when no key is known, so a miss does the work of a wrong secret. */
const UNKNOWN_KEY_HASH = hashSecret('keyward: no such key');

/**
 * A key is expired from its `expires_at` on (inclusive). A time that does not parse counts as expired:
 * the check fails closed.
 */
export function isExpired(expiresAt: string | null, now: Date): boolean {
  if (expiresAt === null) return false;
  const at = Date.parse(expiresAt);
  return Number.isNaN(at) || at <= now.getTime();
}

const VALID: KeyCheck = { result: 'VALID' };
const INVALID_CREDENTIALS: KeyCheck = { result: 'INVALID_CREDENTIALS' };
const KEY_DISABLED: KeyCheck = { result: 'DISABLED', disabled: 'key' };
const OWNER_DISABLED: KeyCheck = { result: 'DISABLED', disabled: 'owner' };
const EXPIRED: KeyCheck = { result: 'EXPIRED' };

/**
 * The checks after the credentials, for a key whose secret already matched: key status, owner status,
 * expiry. The clock is read only for a key that can expire.
 */
export function checkKeyState(key: CheckableKey, now: () => Date): KeyCheck {
  if (key.status !== 'ACTIVE') return KEY_DISABLED;
  if (key.ownerStatus !== 'ACTIVE') return OWNER_DISABLED;
  if (key.expiresAt !== null && isExpired(key.expiresAt, now())) return EXPIRED;
  return VALID;
}

/** The check on a presented secret's SHA-256 (hex); `key` undefined: no key has the presented id. */
export function checkKeyDigest(key: CheckableKey | undefined, presentedHash: string, now: () => Date): KeyCheck {
  const matches = digestsEqual(presentedHash, key?.secretHash ?? UNKNOWN_KEY_HASH);
  if (key === undefined || !matches) return INVALID_CREDENTIALS;
  return checkKeyState(key, now);
}

/** A key as the broker's replica carries it (DESIGN §8). */
export interface ReplicaKey {
  id: string;
  secret_sha256: string;
  status: 'ACTIVE' | 'DISABLED';
  owner: { id: string; kind: 'service-account' | 'user'; status: 'ACTIVE' | 'DISABLED' };
  expires_at: string | null;
}

/** A SASL/PLAIN login at the broker: username = key id, password = secret; `key` null when the replica has no such id. */
export function checkLogin(key: ReplicaKey | null, keyId: string, password: string, now: Date): LoginResult {
  const known = key !== null && key.id === keyId ? key : undefined;
  const checkable = known && { secretHash: known.secret_sha256, status: known.status, ownerStatus: known.owner.status, expiresAt: known.expires_at };
  return checkKeyDigest(checkable, hashSecret(password), () => now).result;
}
