import { makeFinding } from '../finding.js';
import { isLiveKey, isRotatedOut } from '../key-state.js';
import { lookupSnapshot } from '../snapshot-lookup.js';
import { formatTime, isOlderThanDays, plural, wholeDaysSince } from '../time.js';
import type { AdvisorRule, AdvisorSnapshot, Finding } from '../types.js';

import { DEFAULT_ROTATION_GRACE } from '../../../contract/durations.js';

/**
 * Considers live keys (ACTIVE, not expired) that have not already been rotated out (`replaced_by`
 * unset); fires when the key was created more than `rotation_days` days ago (exactly that many
 * days: no finding). Independent of `unused-key`: an old unused key gets both findings.
 */
export const keyDueForRotationRule: AdvisorRule = {
  name: 'key-due-for-rotation',
  severity: 'medium',
  description:
    "An active API key is older than the policy's rotation_days and has not been rotated. Rotate it: " +
    '`api-key rotate` issues a new key and keeps the old one working for a grace period.',
  evaluate(snapshot: AdvisorSnapshot): Finding[] {
    const { now, policy } = snapshot;
    const lookup = lookupSnapshot(snapshot);
    const findings: Finding[] = [];
    for (const key of snapshot.apiKeys) {
      if (!isLiveKey(key, now) || isRotatedOut(key)) continue;
      if (!isOlderThanDays(key.created_at, now, policy.rotation_days)) continue;
      const message =
        `${lookup.keyLabel(key)} was created ${plural(wholeDaysSince(key.created_at, now), 'day')} ago ` +
        `(${formatTime(key.created_at)}), more than the policy's rotation period of ${plural(policy.rotation_days, 'day')}. ` +
        `Rotate it and move its clients to the new key within the grace period (${DEFAULT_ROTATION_GRACE}); the old key keeps working until then.` +
        (key.owner_kind === 'user' ? ` Only its owner, ${lookup.ownerLabel(key.owner_kind, key.owner_id)}, can rotate a user's key.` : '');
      const remediation = `keyward api-key rotate ${key.id} --grace ${DEFAULT_ROTATION_GRACE}`;
      findings.push(makeFinding(keyDueForRotationRule, key.id, message, remediation));
    }
    return findings;
  },
};
