import { makeFinding } from '../finding.js';
import { isLiveKey, isRotatedOut } from '../key-state.js';
import { shellQuote } from '../shell.js';
import { lookupSnapshot } from '../snapshot-lookup.js';
import type { AdvisorRule, AdvisorSnapshot, Finding, SnapshotApiKey, SnapshotServiceAccount } from '../types.js';
import { principalOf } from '../../principal.js';

export const PRODUCTION_STAGE = 'production';

/** How long the user's key keeps working once its replacement is issued: the longest grace, time to redeploy. */
export const HANDOVER_GRACE = '7d';

/** The service account the remediation creates for one user key: its name is derived from the key, so it is unique. */
export function handoverServiceAccountName(key: SnapshotApiKey): string {
  return `app-${key.id.toLowerCase()}`;
}

/** Active service accounts that already hold a live key on the same resource: the likely owners of the workload. */
function candidateAccounts(snapshot: AdvisorSnapshot, key: SnapshotApiKey): SnapshotServiceAccount[] {
  const lookup = lookupSnapshot(snapshot);
  const ids = new Set(
    snapshot.apiKeys
      .filter((k) => k.owner_kind === 'service-account' && k.resource_id === key.resource_id && isLiveKey(k, snapshot.now))
      .map((k) => k.owner_id),
  );
  return [...ids]
    .sort()
    .map((id) => lookup.serviceAccount(id))
    .filter((sa): sa is SnapshotServiceAccount => sa !== undefined && sa.status === 'ACTIVE');
}

/**
 * The hand-over, as commands that run as printed: list what the user's grants are (the new account
 * needs the same to serve the client), create the dedicated service account unless it already exists
 * (a hand-over that stopped half-way), and rotate the user's key to it with a 7-day grace: the new
 * key belongs to the account, and the user's key keeps working until the grace ends. Nothing is deleted.
 */
function handoverCommands(snapshot: AdvisorSnapshot, key: SnapshotApiKey, ownerLabel: string): string[] {
  const name = handoverServiceAccountName(key);
  const principal = shellQuote(principalOf(key.owner_id));
  const commands = [`keyward iam rbac role-binding list --principal ${principal}`];
  if (key.resource_kind === 'kafka') commands.push(`keyward kafka acl list --principal ${principal} --cluster ${shellQuote(key.resource_id)}`);
  if (!snapshot.serviceAccounts.some((sa) => sa.name === name)) {
    const description = `Takes over user key ${key.id} of ${ownerLabel} on ${key.resource_id}`;
    commands.push(`keyward iam service-account create ${name} --description ${shellQuote(description.slice(0, 128))}`);
  }
  commands.push(`keyward api-key rotate ${key.id} --grace ${HANDOVER_GRACE} --service-account ${name}`);
  return commands;
}

/**
 * Considers live keys (ACTIVE, not expired) owned by a user on a Kafka or Schema Registry cluster
 * whose environment has stage `production` now, however and whenever the key was created: before
 * `require_service_account_keys_in_production`, while the environment had another stage, or enabled
 * again after that. `cloud` keys belong to no environment and are not considered; nor are keys
 * rotated out (`replaced_by` set): their replacement exists and they expire at the end of their grace
 * (`old-key-still-in-use` reports one still used then). The remediation hands the key over to a
 * service account through `api-key rotate --service-account`.
 */
export const userKeyInProductionRule: AdvisorRule = {
  name: 'user-key-in-production',
  severity: 'high',
  description:
    'An active API key owned by a user authenticates to a resource in a production environment. ' +
    'Production workloads should use service-account keys, so that access does not depend on a person ' +
    'and survives their departure. The fix rotates the key to a service account: the user\'s key keeps working for 7 days.',
  evaluate(snapshot: AdvisorSnapshot): Finding[] {
    const lookup = lookupSnapshot(snapshot);
    const findings: Finding[] = [];
    for (const key of snapshot.apiKeys) {
      if (key.owner_kind !== 'user' || !isLiveKey(key, snapshot.now) || isRotatedOut(key)) continue;
      const environment = lookup.environmentOf(key);
      if (environment?.stage !== PRODUCTION_STAGE) continue;
      const user = lookup.user(key.owner_id);
      const ownerLabel = user ? user.email : key.owner_id;
      const policyNote = snapshot.policy.require_service_account_keys_in_production
        ? 'The organization policy already refuses new user keys in production, but this one was created before that policy or while its environment was not in production.'
        : 'Set `keyward policy update --require-service-account-keys-in-production` to refuse new ones.';
      const candidates = candidateAccounts(snapshot, key);
      const choice =
        candidates.length === 0
          ? ''
          : ` To hand it to an existing service account instead (${candidates.map((sa) => `${sa.id} "${sa.name}"`).join(', ')} ` +
            `already ${candidates.length === 1 ? 'has a key' : 'have keys'} there), run the last command with that account's id as --service-account and skip the create.`;
      const message =
        `${lookup.keyLabel(key)} is owned by a user; production resources should be accessed with service-account keys so that ` +
        `access survives people leaving. The commands create service account ${handoverServiceAccountName(key)} and rotate the key to it: ` +
        `the new key belongs to the account, and ${key.id} keeps working for ${HANDOVER_GRACE} while the client moves over. ` +
        `Grant the account the roles and ACLs the client needs (the first commands list the user's) before moving the client.${choice} ${policyNote}`;
      findings.push(makeFinding(userKeyInProductionRule, key.id, message, handoverCommands(snapshot, key, ownerLabel)));
    }
    return findings;
  },
};
