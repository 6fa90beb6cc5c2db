/** Words for access rules and for what goes with a deleted principal (the Access and principal pages). */
import type { AccessCheckRule } from '../../../src/contract/access-check';
import type { Acl } from '../../../src/contract/schemas/index';

/** The fields of a Kafka ACL (`GET /kafka/v3/clusters/{id}/acls`) these texts read. */
export type AclFields = Pick<Acl, 'principal' | 'permission' | 'operation' | 'resource_type' | 'resource_name' | 'pattern_type' | 'host'>;

/** "ALLOW READ on TOPIC orders (LITERAL) for User:sa-1 from any host" */
export function describeAcl(acl: AclFields): string {
  const host = acl.host === '*' ? 'any host' : `host ${acl.host}`;
  return `${acl.permission} ${acl.operation} on ${acl.resource_type} ${acl.resource_name} (${acl.pattern_type}) for ${acl.principal} from ${host}`;
}

/** A short, unique-enough name of an ACL for buttons ("Delete ACL ALLOW READ TOPIC orders for User:sa-1"). */
export function aclLabel(acl: AclFields): string {
  return `${acl.permission} ${acl.operation} ${acl.resource_type} ${acl.resource_name}${acl.pattern_type === 'PREFIXED' ? '*' : ''} for ${acl.principal}${acl.host === '*' ? '' : ` from ${acl.host}`}`;
}

/** The deciding rule of an access check, in words. */
export function describeRule(rule: AccessCheckRule | null): string {
  if (rule === null) return 'No rule grants it.';
  if (rule.kind === 'role-binding') return `Role binding ${rule.id} (${rule.role} on ${rule.crn_pattern})`;
  return `ACL: ${describeAcl(rule)}`;
}

/** The query that deletes exactly this ACL (`DELETE /kafka/v3/clusters/{id}/acls`). */
export function aclDeleteQuery(acl: AclFields): Record<string, string> {
  return {
    principal: acl.principal,
    permission: acl.permission,
    operation: acl.operation,
    resource_type: acl.resource_type,
    resource_name: acl.resource_name,
    pattern_type: acl.pattern_type,
    host: acl.host,
  };
}

export interface HeldCounts {
  api_keys: number;
  role_bindings: number;
  acls: number;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** "2 API keys, 1 role binding and 3 ACLs"; "nothing else" when all are zero. */
export function describeHeld(counts: HeldCounts): string {
  const parts = [
    counts.api_keys > 0 ? plural(counts.api_keys, 'API key', 'API keys') : '',
    counts.role_bindings > 0 ? plural(counts.role_bindings, 'role binding', 'role bindings') : '',
    counts.acls > 0 ? plural(counts.acls, 'ACL', 'ACLs') : '',
  ].filter((part) => part !== '');
  if (parts.length === 0) return 'nothing else';
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
