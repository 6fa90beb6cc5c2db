import { makeFinding } from '../finding.js';
import { isLiveKey, isRotatedOut } from '../key-state.js';
import { lookupSnapshot } from '../snapshot-lookup.js';
import { formatTime, isOlderThanDays, plural, wholeDaysSince } from '../time.js';
import type { AdvisorRule, AdvisorSnapshot, Finding } from '../types.js';

/** A key that has never been used gets this long to be deployed before it counts as unused. */
export const NEVER_USED_GRACE_DAYS = 30;

/**
 * The remediation disables rather than deletes: the key is unused by every record keyward has, but
 * a disable can be undone and a delete cannot.
 *
 * Considers live keys (ACTIVE, not expired) that have not been rotated out. Disabled and expired
 * keys cannot authenticate, so their silence is expected; a rotated-out key expires on its own at
 * the end of its grace. Fires when the last use is more than `unused_key_days` days ago, or when
 * the key was never used and was created more than 30 days ago (exactly at a threshold: no finding).
 */
export const unusedKeyRule: AdvisorRule = {
  name: 'unused-key',
  severity: 'medium',
  description:
    'An active API key has not authenticated successfully within the policy\'s unused_key_days, or was ' +
    `never used and is older than ${NEVER_USED_GRACE_DAYS} days. Unused keys are risk without benefit: the fix ` +
    'disables the key (reversible: api-key enable); delete it once nothing has missed it.',
  evaluate(snapshot: AdvisorSnapshot): Finding[] {
    const { now, policy } = snapshot;
    const lookup = lookupSnapshot(snapshot);
    const findings: Finding[] = [];
    for (const key of snapshot.apiKeys) {
      if (!isLiveKey(key, now) || isRotatedOut(key)) continue;
      let detail: string;
      if (key.last_used === null) {
        if (!isOlderThanDays(key.created_at, now, NEVER_USED_GRACE_DAYS)) continue;
        detail =
          `has never been used since it was created ${plural(wholeDaysSince(key.created_at, now), 'day')} ago ` +
          `(${formatTime(key.created_at)})`;
      } else {
        if (!isOlderThanDays(key.last_used, now, policy.unused_key_days)) continue;
        detail =
          `was last used ${plural(wholeDaysSince(key.last_used, now), 'day')} ago (${formatTime(key.last_used)}), ` +
          `more than the policy's ${plural(policy.unused_key_days, 'day')}`;
      }
      const message =
        `${lookup.keyLabel(key)} ${detail}. Disable it: if some client still needed it, \`keyward api-key enable ${key.id}\` ` +
        `undoes that at once; once nothing has missed it, delete it (\`keyward api-key delete ${key.id}\`).`;
      findings.push(makeFinding(unusedKeyRule, key.id, message, `keyward api-key disable ${key.id}`));
    }
    return findings;
  },
};
