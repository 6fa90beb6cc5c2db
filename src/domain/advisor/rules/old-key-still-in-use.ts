import { makeFinding } from '../finding.js';
import { isLiveKey, isRotatedOut } from '../key-state.js';
import { listKeysCommand, lookupSnapshot } from '../snapshot-lookup.js';
import { epochMs, formatElapsed, formatTime, sinceHoursCovering } from '../time.js';
import type { AdvisorRule, AdvisorSnapshot, Finding, SnapshotApiKey } from '../types.js';

/** The later of the key's `last_used` and the caller's more precise grace-period use, if any. */
function lastUseMs(key: SnapshotApiKey, snapshot: AdvisorSnapshot): number | null {
  const times = [key.last_used, ...(snapshot.keyUseDuringGrace ?? []).filter((u) => u.api_key === key.id).map((u) => u.last_used)]
    .filter((t): t is string => t !== null)
    .map(epochMs)
    .filter((ms) => !Number.isNaN(ms));
  return times.length === 0 ? null : Math.max(...times);
}

/**
 * Considers rotated-out keys (`replaced_by` set) that still authenticate (ACTIVE, not expired: within
 * their grace). Fires when the key's last use (the later of `last_used` and `keyUseDuringGrace`) is
 * strictly after the replacement key's creation. A key whose replacement no longer exists is skipped:
 * the moment of rotation is unknown. Once the old key has expired, failures show up instead.
 */
export const oldKeyStillInUseRule: AdvisorRule = {
  name: 'old-key-still-in-use',
  severity: 'medium',
  description:
    'A key that was rotated out is still being used during its grace period, after its replacement was ' +
    'issued. Some client has not switched to the new key and will fail when the old key expires.',
  evaluate(snapshot: AdvisorSnapshot): Finding[] {
    const { now } = snapshot;
    const lookup = lookupSnapshot(snapshot);
    const findings: Finding[] = [];
    for (const key of snapshot.apiKeys) {
      if (!isRotatedOut(key) || !isLiveKey(key, now)) continue;
      const replacement = lookup.apiKey(key.replaced_by as string);
      if (!replacement) continue;
      const rotatedAt = epochMs(replacement.created_at);
      const usedAt = lastUseMs(key, snapshot);
      if (usedAt === null || !(usedAt > rotatedAt)) continue;
      const after = formatElapsed(usedAt - rotatedAt);
      const expiry =
        key.expires_at === null
          ? 'It has no expiry set, so it keeps working until it is deleted.'
          : `It stops working at ${formatTime(key.expires_at)} ` +
            `(in ${formatElapsed(epochMs(key.expires_at) - now.getTime())}).`;
      const message =
        `${lookup.keyLabel(key)} was rotated out in favour of ${replacement.id} at ${formatTime(replacement.created_at)}, ` +
        `but was still used at ${formatTime(new Date(usedAt).toISOString())}, ${after} later. ${expiry} ` +
        `Find the clients still using it (the first command lists its uses with their client addresses) and move them to ` +
        `${replacement.id}; the second shows each key's Last Used, to watch the cut-over.`;
      const since = sinceHoursCovering(replacement.created_at, now);
      const remediation = [
        `keyward audit-log list --api-key ${key.id} --result success --since ${since}`,
        listKeysCommand(key.owner_kind, key.owner_id, key.resource_id),
      ];
      findings.push(makeFinding(oldKeyStillInUseRule, key.id, message, remediation));
    }
    return findings;
  },
};
