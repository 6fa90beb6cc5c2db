/** Which keys can authenticate right now, shared by the rules that only look at live keys. */
import { hasExpired } from './time.js';
import type { SnapshotApiKey } from './types.js';

/** ACTIVE and not past its expiry: the key authenticates (if its owner is enabled). */
export function isLiveKey(key: SnapshotApiKey, now: Date): boolean {
  return key.status === 'ACTIVE' && !hasExpired(key.expires_at, now);
}

/** Rotated out by `api-key rotate`: it works until its grace ends, then expires. */
export function isRotatedOut(key: SnapshotApiKey): boolean {
  return key.replaced_by !== null;
}
