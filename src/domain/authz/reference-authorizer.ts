/**
 * The authorizer written to be obviously correct: a linear scan of every ACL and role binding.
 * `AuthorizerIndex` must decide exactly as this does (checked by a property test); use the index in
 * production, this for tests and for explaining decisions.
 *
 * Order (Kafka's, DESIGN §5): the first matching DENY ACL wins; else the first matching ALLOW ACL;
 * else the first role binding that grants the action; else deny.
 */
import { aclMatches } from './acl.js';
import { crnPatternMatches } from './crn-pattern.js';
import {
  deniedByAcl,
  grantedByAcl,
  grantedByRoleBinding,
  kafkaAccessOf,
  notGranted,
  requestResourceType,
  type AuthorizationData,
  type AuthorizationDecision,
  type AuthorizationRequest,
} from './decision.js';
import { findRole, roleGrants } from './roles.js';

export function referenceAuthorize(data: AuthorizationData, request: AuthorizationRequest): AuthorizationDecision {
  const kafkaAccess = kafkaAccessOf(request);
  if (kafkaAccess !== undefined) {
    const deny = data.acls.find((acl) => acl.permission === 'DENY' && aclMatches(acl, kafkaAccess));
    if (deny !== undefined) return deniedByAcl(request, deny);
    const allow = data.acls.find((acl) => acl.permission === 'ALLOW' && aclMatches(acl, kafkaAccess));
    if (allow !== undefined) return grantedByAcl(request, allow);
  }

  const resourceType = requestResourceType(request);
  for (const binding of data.roleBindings) {
    if (binding.principal !== request.principal) continue;
    const role = findRole(binding.role_name);
    if (role === undefined) continue;
    if (crnPatternMatches(binding.crn_pattern, request.resource.crn) && roleGrants(role, request.action, resourceType)) {
      return grantedByRoleBinding(request, binding, role);
    }
  }
  return notGranted(request);
}
