import { makeFinding } from '../finding.js';
import { epochMs, formatTime, isOlderThanDays, plural, wholeDaysSince } from '../time.js';
import type { AdvisorRule, AdvisorSnapshot, Finding, SnapshotApiKey, SnapshotServiceAccount } from '../types.js';

function latestUse(keys: readonly SnapshotApiKey[]): string | null {
  let latest: string | null = null;
  for (const key of keys) {
    if (key.last_used !== null && (latest === null || epochMs(key.last_used) > epochMs(latest))) latest = key.last_used;
  }
  return latest;
}

function describeKeyUse(keys: readonly SnapshotApiKey[], lastUse: string | null, now: Date, windowDays: number): string {
  if (keys.length === 0) return 'owns no API keys';
  if (lastUse === null) return `owns ${plural(keys.length, 'API key')}, none of which has ever been used`;
  return (
    `owns ${plural(keys.length, 'API key')}, last used ${plural(wholeDaysSince(lastUse, now), 'day')} ago ` +
    `(${formatTime(lastUse)}), more than the policy's ${plural(windowDays, 'day')}`
  );
}

/**
 * Considers ACTIVE service accounts created more than `unused_key_days` days ago (a disabled account
 * cannot authenticate, so its silence is expected). Fires when none of its keys, whatever their status,
 * was used within the last `unused_key_days` days; an account without keys fires too.
 */
export const unusedServiceAccountRule: AdvisorRule = {
  name: 'unused-service-account',
  severity: 'low',
  description:
    "A service account older than the policy's unused_key_days has no API keys, or none used within that " +
    'window. The fix disables it (reversible); delete it once nothing has missed it: that also deletes its keys, role bindings and ACLs.',
  evaluate(snapshot: AdvisorSnapshot): Finding[] {
    const { now, policy } = snapshot;
    const window = policy.unused_key_days;
    const keysByOwner = new Map<string, SnapshotApiKey[]>();
    for (const key of snapshot.apiKeys) {
      if (key.owner_kind !== 'service-account') continue;
      keysByOwner.set(key.owner_id, [...(keysByOwner.get(key.owner_id) ?? []), key]);
    }
    const findings: Finding[] = [];
    for (const account of snapshot.serviceAccounts) {
      if (!isCandidate(account, now, window)) continue;
      const keys = keysByOwner.get(account.id) ?? [];
      const lastUse = latestUse(keys);
      if (lastUse !== null && !isOlderThanDays(lastUse, now, window)) continue;
      const message =
        `Service account ${account.id} ("${account.name}") was created ${plural(wholeDaysSince(account.created_at, now), 'day')} ago ` +
        `(${formatTime(account.created_at)}) and ${describeKeyUse(keys, lastUse, now, window)}. ` +
        `Disable it: every key of the account stops at once, and \`keyward iam service-account enable ${account.id}\` undoes that; ` +
        `once nothing has missed it, delete it with its keys, role bindings and ACLs (\`keyward iam service-account delete ${account.id}\`).`;
      const remediation = `keyward iam service-account disable ${account.id}`;
      findings.push(makeFinding(unusedServiceAccountRule, account.id, message, remediation));
    }
    return findings;
  },
};

function isCandidate(account: SnapshotServiceAccount, now: Date, windowDays: number): boolean {
  return account.status === 'ACTIVE' && isOlderThanDays(account.created_at, now, windowDays);
}
