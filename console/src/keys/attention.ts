/**
 * When an API key needs a look (the keys table's badges, the overview's "keys that need attention"):
 * its state, an expiry within a week, and elevated failures in the usage window.
 */
import type { ApiKeyState } from '../../../src/contract/index';
import { NEVER_USED_GRACE_DAYS } from '../../../src/domain/advisor/rules/unused-key';

const DAY = 86_400_000;

/** A key expiring within this time is "expiring soon". */
export const EXPIRING_SOON_MS = 7 * DAY;
/** "Elevated failures": at least this many failed authentications in the window… */
export const ELEVATED_FAILURES_MIN = 10;
/** …that are at least this share of all the key's authentications in it. */
export const ELEVATED_FAILURES_SHARE = 0.2;

/** The outcome of a successful authentication; every other outcome is a failure. */
export const SUCCESS_OUTCOME = 'VALID';

export type KeyBadge = ApiKeyState | 'expiring soon' | 'elevated failures';

export interface FailureCount {
  total: number;
  failures: number;
}

/** Authentications and failures among counts per outcome. */
export function failuresOf(counts: Readonly<Record<string, number>>): FailureCount {
  let total = 0;
  let failures = 0;
  for (const [outcome, count] of Object.entries(counts)) {
    total += count;
    if (outcome !== SUCCESS_OUTCOME) failures += count;
  }
  return { total, failures };
}

/** At least 10 failures, and at least 20 % of the authentications. */
export function hasElevatedFailures(counts: Readonly<Record<string, number>> | undefined): boolean {
  if (counts === undefined) return false;
  const { total, failures } = failuresOf(counts);
  return failures >= ELEVATED_FAILURES_MIN && failures >= ELEVATED_FAILURES_SHARE * total;
}

/** An active key whose expiry is in the future but within 7 days of `now`. */
export function isExpiringSoon(state: ApiKeyState, expiresAt: string | null, now: number): boolean {
  if (state !== 'active' || expiresAt === null) return false;
  const at = Date.parse(expiresAt);
  return !Number.isNaN(at) && at > now && at - now <= EXPIRING_SOON_MS;
}

/** A key's badges, its state first; `counts` are its authentications in the usage window (none: unused or unknown). */
export function keyBadges(key: { state: ApiKeyState; expires_at: string | null }, counts: Readonly<Record<string, number>> | undefined, now: number): KeyBadge[] {
  const badges: KeyBadge[] = [key.state];
  if (isExpiringSoon(key.state, key.expires_at, now)) badges.push('expiring soon');
  if (hasElevatedFailures(counts)) badges.push('elevated failures');
  return badges;
}

/** True when the key shows anything but "active". */
export function needsAttention(badges: readonly KeyBadge[]): boolean {
  return badges.some((badge) => badge !== 'active');
}

// ---------------------------------------------------------------------------------------------
// The overview's "keys that need attention" (the advisor's key rules, applied to the loaded keys)

/** Why the overview lists a key. */
export type AttentionReason = 'unused' | 'due for rotation' | 'old key still in use' | 'failure spike';

/** The fields of an API key these rules read (the `spec` of `GET /iam/v2/api-keys`). */
export interface AttentionKey {
  state: ApiKeyState;
  created_at: string;
  last_used: string | null;
  replaced_by: string | null;
}

/** The policy's thresholds (`GET /keyward/v1/policy`). */
export interface AttentionPolicy {
  unused_key_days: number;
  rotation_days: number;
}

const HOUR = 3_600_000;
/** A rotated-out key used within this time is still in use. */
export const OLD_KEY_IN_USE_MS = HOUR;

const olderThanDays = (iso: string, now: number, days: number) => now - Date.parse(iso) > days * DAY;

/**
 * Why an API key needs a look, as the advisor judges (src/domain/advisor/rules): an active key not
 * rotated out that was never used for NEVER_USED_GRACE_DAYS since its creation or not used for the
 * policy's unused days (unused); an active key not rotated out older than the rotation days (due for
 * rotation); a rotated-out key still working and used in the last hour (old key still in use);
 * elevated failures among `counts`, its authentications in the usage window (failure spike).
 */
export function attentionReasons(
  key: AttentionKey,
  policy: AttentionPolicy,
  counts: Readonly<Record<string, number>> | undefined,
  now: number,
): AttentionReason[] {
  const reasons: AttentionReason[] = [];
  const live = key.state === 'active';
  const rotatedOut = key.replaced_by !== null;
  if (live && !rotatedOut) {
    const unused =
      key.last_used === null ? olderThanDays(key.created_at, now, NEVER_USED_GRACE_DAYS) : olderThanDays(key.last_used, now, policy.unused_key_days);
    if (unused) reasons.push('unused');
    if (olderThanDays(key.created_at, now, policy.rotation_days)) reasons.push('due for rotation');
  }
  if (live && rotatedOut && key.last_used !== null && now - Date.parse(key.last_used) <= OLD_KEY_IN_USE_MS) reasons.push('old key still in use');
  if (hasElevatedFailures(counts)) reasons.push('failure spike');
  return reasons;
}
