import { makeFinding } from '../finding.js';
import { isLiveKey } from '../key-state.js';
import { shellQuote } from '../shell.js';
import { lookupSnapshot } from '../snapshot-lookup.js';
import type { AdvisorRule, AdvisorSnapshot, Finding } from '../types.js';

export const PRODUCTION_STAGE = 'production';

/**
 * Considers live keys (ACTIVE, not expired) owned by a user on a Kafka or Schema Registry cluster
 * whose environment has stage `production` now, however and whenever the key was created: before
 * `require_service_account_keys_in_production`, while the environment had another stage, or enabled
 * again after that. `cloud` keys belong to no environment and are not considered.
 */
export const userKeyInProductionRule: AdvisorRule = {
  name: 'user-key-in-production',
  severity: 'high',
  description:
    'An active API key owned by a user authenticates to a resource in a production environment. ' +
    'Production workloads should use service-account keys, so that access does not depend on a person ' +
    'and survives their departure.',
  evaluate(snapshot: AdvisorSnapshot): Finding[] {
    const lookup = lookupSnapshot(snapshot);
    const findings: Finding[] = [];
    for (const key of snapshot.apiKeys) {
      if (key.owner_kind !== 'user' || !isLiveKey(key, snapshot.now)) continue;
      const environment = lookup.environmentOf(key);
      if (environment?.stage !== PRODUCTION_STAGE) continue;
      const policyNote = snapshot.policy.require_service_account_keys_in_production
        ? 'the organization policy already refuses new user keys in production, but this one was created before that policy or while its environment was not in production.'
        : 'set `keyward policy update --require-service-account-keys-in-production` to refuse new ones.';
      const message =
        `${lookup.keyLabel(key)} is owned by a user; production resources should be accessed with ` +
        `service-account keys so that access survives people leaving. Replace it with a service-account key; ${policyNote}`;
      const description = `Replaces user key ${key.id}`;
      const remediation =
        `keyward api-key create --resource ${shellQuote(key.resource_id)} --service-account <SA_ID> ` +
        `--description ${shellQuote(description)} && keyward api-key delete ${key.id} --force`;
      findings.push(makeFinding(userKeyInProductionRule, key.id, message, remediation));
    }
    return findings;
  },
};
