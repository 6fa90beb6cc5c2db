import { makeFinding } from '../finding.js';
import { shellQuote } from '../shell.js';
import type { AdvisorRule, AdvisorSnapshot, Finding, SnapshotAcl } from '../types.js';

const USER_PRINCIPAL_PREFIX = 'User:';
const WILDCARD_PRINCIPAL = 'User:*';

/** `--topic orders`, `--cluster-scope`, …: the `kafka acl` flag naming an ACL's resource. */
const ACL_RESOURCE_FLAGS: Record<string, (name: string) => string> = {
  TOPIC: (name) => `--topic ${shellQuote(name)}`,
  GROUP: (name) => `--consumer-group ${shellQuote(name)}`,
  TRANSACTIONAL_ID: (name) => `--transactional-id ${shellQuote(name)}`,
  CLUSTER: () => '--cluster-scope',
};

/** Only `User:<id>` principals are keyward's; other principal types and the wildcard are left alone. */
function principalId(principal: string): string | undefined {
  if (!principal.startsWith(USER_PRINCIPAL_PREFIX) || principal === WILDCARD_PRINCIPAL) return undefined;
  return principal.slice(USER_PRINCIPAL_PREFIX.length);
}

export function aclDeleteCommand(acl: SnapshotAcl): string {
  const resourceFlag = ACL_RESOURCE_FLAGS[acl.resource_type.toUpperCase()];
  const cluster = `--cluster ${shellQuote(acl.cluster_id)}`;
  const principal = `--principal ${shellQuote(acl.principal)}`;
  if (!resourceFlag) return `keyward kafka acl list ${principal} ${cluster}`;
  const permission = acl.permission.toUpperCase() === 'DENY' ? '--deny' : '--allow';
  const prefix = acl.pattern_type.toUpperCase() === 'PREFIXED' ? ' --prefix' : '';
  return (
    `keyward kafka acl delete ${permission} ${principal} --operations ${shellQuote(acl.operation.toLowerCase())} ` +
    `${resourceFlag(acl.resource_name)}${prefix} ${cluster} --force`
  );
}

function describeAcl(acl: SnapshotAcl): string {
  const resource = acl.resource_type.toUpperCase() === 'CLUSTER' ? 'the cluster' : `${acl.resource_type} "${acl.resource_name}" (${acl.pattern_type})`;
  return `${acl.permission} ACL ${acl.id} for ${acl.operation} on ${resource} of Kafka cluster ${acl.cluster_id}`;
}

const ORPHAN_RISK =
  'which names no existing user or service account. Delete it: the grant does nothing today and clutters every review.';

/**
 * Considers every role binding and ACL whose principal is `User:<id>` (not the wildcard `User:*`, not
 * other principal types); fires when the id is neither a user's nor a service account's. The subject
 * is the role binding's or ACL's id.
 */
export const orphanedGrantRule: AdvisorRule = {
  name: 'orphaned-grant',
  severity: 'medium',
  description:
    'A role binding or ACL names a principal (User:<id>) that is no longer a user or service account, ' +
    'for example one removed before keyward deleted grants together with their principal. Delete it.',
  evaluate(snapshot: AdvisorSnapshot): Finding[] {
    const principals = new Set([...snapshot.users.map((u) => u.id), ...snapshot.serviceAccounts.map((sa) => sa.id)]);
    const isOrphan = (principal: string): boolean => {
      const id = principalId(principal);
      return id !== undefined && !principals.has(id);
    };
    const findings: Finding[] = [];
    for (const binding of snapshot.roleBindings) {
      if (!isOrphan(binding.principal)) continue;
      const message = `Role binding ${binding.id} grants ${binding.role_name} on ${binding.crn_pattern} to ${binding.principal}, ${ORPHAN_RISK}`;
      findings.push(makeFinding(orphanedGrantRule, binding.id, message, `keyward iam rbac role-binding delete ${shellQuote(binding.id)} --force`));
    }
    for (const acl of snapshot.acls) {
      if (!isOrphan(acl.principal)) continue;
      const message = `${describeAcl(acl)} grants to ${acl.principal}, ${ORPHAN_RISK}`;
      findings.push(makeFinding(orphanedGrantRule, acl.id, message, aclDeleteCommand(acl)));
    }
    return findings;
  },
};
