import { makeFinding } from '../finding.js';
import { lookupSnapshot } from '../snapshot-lookup.js';
import { shellQuote } from '../shell.js';
import type { AdvisorRule, AdvisorSnapshot, Finding } from '../types.js';

export const FAILED_AUTH_SPIKE_THRESHOLD = 20;

/**
 * Looks at the caller's per-key count of failed authentications in the last hour (requests, not
 * audit rows: an aggregated event counts its data.count); fires at 20 or more (19: no finding).
 * Counts for key ids that match no key are reported too: someone is trying credentials for a key
 * that does not (or no longer) exist. Such a count is a lower bound, said as "at least": failures
 * beyond 20 a minute from one client address are aggregated without naming an unknown key id
 * (DESIGN §4). Entries for the same key are summed.
 */
export const failedAuthSpikeRule: AdvisorRule = {
  name: 'failed-auth-spike',
  severity: 'high',
  description:
    `An API key had ${FAILED_AUTH_SPIKE_THRESHOLD} or more failed authentications in the last hour: a client ` +
    'with a stale or wrong secret, or someone guessing. The audit log shows the client addresses.',
  evaluate(snapshot: AdvisorSnapshot): Finding[] {
    const lookup = lookupSnapshot(snapshot);
    const totals = new Map<string, number>();
    for (const { api_key, count } of snapshot.failedAuthByKey) totals.set(api_key, (totals.get(api_key) ?? 0) + count);
    const findings: Finding[] = [];
    for (const [keyId, count] of totals) {
      if (count < FAILED_AUTH_SPIKE_THRESHOLD) continue;
      const key = lookup.apiKey(keyId);
      const label = key ? lookup.keyLabel(key) : `API key ${keyId} (which matches no existing key)`;
      const message =
        `${label} had ${key ? '' : 'at least '}${count} failed authentications in the last hour (threshold ${FAILED_AUTH_SPIKE_THRESHOLD}). ` +
        'Find the client in the audit log (the command lists the failures with their client addresses): a stale secret after ' +
        'a rotation, or someone guessing.';
      const remediation = `keyward audit-log list --api-key ${shellQuote(keyId)} --result failure --since 1h`;
      findings.push(makeFinding(failedAuthSpikeRule, keyId, message, remediation));
    }
    return findings;
  },
};
