import { makeFinding } from '../finding.js';
import { isLiveKey, isRotatedOut } from '../key-state.js';
import { listKeysCommand, lookupSnapshot } from '../snapshot-lookup.js';
import type { AdvisorRule, AdvisorSnapshot, Finding, SnapshotApiKey } from '../types.js';

/** One key in service and one being rotated in: more than this per owner and resource is clutter. */
export const RECOMMENDED_MAX_ACTIVE_KEYS = 2;

function groupByOwnerAndResource(keys: readonly SnapshotApiKey[]): Map<string, SnapshotApiKey[]> {
  const groups = new Map<string, SnapshotApiKey[]>();
  for (const key of keys) {
    const subject = `${key.owner_id}/${key.resource_id}`;
    groups.set(subject, [...(groups.get(subject) ?? []), key]);
  }
  return groups;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Counts live keys (ACTIVE, not expired) per owner and resource, leaving out rotated-out keys in
 * their grace (they expire on their own, and counting them would flag every ordinary rotation).
 * Fires above 2 (exactly 2: no finding). The subject is `<owner id>/<resource id>`.
 */
export const tooManyKeysRule: AdvisorRule = {
  name: 'too-many-keys',
  severity: 'low',
  description:
    `An owner has more than ${RECOMMENDED_MAX_ACTIVE_KEYS} active API keys on one resource (rotated-out keys in ` +
    'their grace period are not counted). One key per application, plus one during rotation, keeps the ' +
    'set of credentials small and each key traceable to its client.',
  evaluate(snapshot: AdvisorSnapshot): Finding[] {
    const lookup = lookupSnapshot(snapshot);
    const counted = snapshot.apiKeys.filter((key) => isLiveKey(key, snapshot.now) && !isRotatedOut(key));
    const findings: Finding[] = [];
    for (const [subject, keys] of groupByOwnerAndResource(counted)) {
      const first = keys[0];
      if (first === undefined || keys.length <= RECOMMENDED_MAX_ACTIVE_KEYS) continue;
      const ids = keys.map((key) => key.id).sort();
      const message =
        `${capitalize(lookup.ownerLabel(first.owner_kind, first.owner_id))} has ${keys.length} active API keys on ` +
        `${lookup.resourceLabel(first)} (${ids.join(', ')}); keep at most ${RECOMMENDED_MAX_ACTIVE_KEYS} per owner and ` +
        `resource (the quota allows ${snapshot.policy.max_keys_per_owner_resource}). ` +
        'Which to keep is a choice: the command lists them with their Last Used; disable the ones no client uses ' +
        'with `keyward api-key disable` (reversible), then delete them.';
      const remediation = listKeysCommand(first.owner_kind, first.owner_id, first.resource_id);
      findings.push(makeFinding(tooManyKeysRule, subject, message, remediation));
    }
    return findings;
  },
};
