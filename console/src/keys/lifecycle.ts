/** The choices and checks of the create and rotate dialogs, from the contract's duration rules. */
import { durationWithin, KEY_EXPIRES_IN, describeDurationRange, durationExamples } from '../../../src/contract/durations';

/** The rotate dialog's grace periods (`grace` of POST /keyward/v1/api-keys/{id}/rotate). */
export const GRACE_CHOICES = [
  { value: '0', label: 'None: the old key stops at once' },
  { value: '15m', label: '15 minutes' },
  { value: '1h', label: '1 hour' },
  { value: '24h', label: '24 hours' },
  { value: '7d', label: '7 days' },
] as const;
export type GraceChoice = (typeof GRACE_CHOICES)[number]['value'];
export const DEFAULT_GRACE: GraceChoice = '24h';

/** A key used this recently is still in use: deleting or disabling it is warned about loudly (DESIGN §6). */
export const RECENT_USE_MS = 15 * 60_000;

export function usedRecently(lastUsed: string | null, now: number): boolean {
  if (lastUsed === null) return false;
  const at = Date.parse(lastUsed);
  return !Number.isNaN(at) && now - at <= RECENT_USE_MS;
}

/** `expires_in` as typed (trimmed; "" means no expiry), or the message saying why it is refused. */
export function checkExpiresIn(text: string): { value: string | undefined } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { value: undefined };
  if (durationWithin(trimmed, KEY_EXPIRES_IN) === undefined) {
    return { error: `Expires in must be a duration ${describeDurationRange(KEY_EXPIRES_IN)}, such as ${durationExamples(KEY_EXPIRES_IN)}.` };
  }
  return { value: trimmed };
}
