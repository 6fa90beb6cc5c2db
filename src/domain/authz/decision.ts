/**
 * What the authorizer is asked and what it answers; shared by the reference and the indexed authorizer
 * so that both phrase every decision the same way.
 */
import { describeAclResource, isKafkaOperation, type KafkaAccessRequest, type KafkaAcl, type KafkaResourceType } from './acl.js';
import { resourceTypeOfCrn, tryParseCrn, type ParsedCrn } from './crn-pattern.js';
import type { AuthzAction, AuthzResourceType, RoleDefinition, RoleName } from './roles.js';

/** A role binding as stored: `principal` holds `role_name` on everything `crn_pattern` covers. */
export interface RoleBinding {
  id: string;
  principal: string;
  role_name: string;
  crn_pattern: string;
}

export interface AuthorizationData {
  acls: readonly KafkaAcl[];
  roleBindings: readonly RoleBinding[];
}

export interface KafkaResourceRef {
  clusterId: string;
  resourceType: KafkaResourceType;
  name: string;
}

export interface AuthorizationRequest {
  /** `User:sa-…` or `User:u-…`. */
  principal: string;
  /** A management permission (`api-key:manage`) or a Kafka operation (`READ`). */
  action: AuthzAction;
  /** The client's address, for host-bound ACLs. */
  host?: string | undefined;
  resource: {
    /** The resource's CRN, e.g. from `kafkaResourceCrn` or `buildCrn`. */
    crn: string;
    /** For Kafka resources: what Kafka ACLs are matched against. */
    kafka?: KafkaResourceRef | undefined;
  };
}

export interface AclRule {
  kind: 'acl';
  acl: KafkaAcl;
}

export interface RbacRule {
  kind: 'rbac';
  role: RoleName;
  crnPattern: string;
  bindingId: string;
}

export type AuthorizationDecision =
  | { granted: true; reason: string; rule: AclRule | RbacRule }
  | { granted: false; reason: string; rule?: AclRule };

/** The Kafka action the request amounts to, when it is a data operation on a Kafka resource; ACLs decide only these. */
export function kafkaAccessOf(request: AuthorizationRequest): KafkaAccessRequest | undefined {
  const kafka = request.resource.kafka;
  if (kafka === undefined || !isKafkaOperation(request.action)) return undefined;
  const access: KafkaAccessRequest = {
    principal: request.principal,
    operation: request.action,
    clusterId: kafka.clusterId,
    resourceType: kafka.resourceType,
    resourceName: kafka.name,
  };
  if (request.host !== undefined) access.host = request.host;
  return access;
}

/** The resource type roles are checked against: the Kafka resource's, else the type the CRN names. */
export function requestResourceType(
  request: AuthorizationRequest,
  parsedCrn?: ParsedCrn,
): AuthzResourceType | undefined {
  if (request.resource.kafka !== undefined) return request.resource.kafka.resourceType;
  const parsed = parsedCrn ?? tryParseCrn(request.resource.crn);
  return parsed === undefined ? undefined : resourceTypeOfCrn(parsed);
}

function describeResource(request: AuthorizationRequest): string {
  const kafka = request.resource.kafka;
  return kafka === undefined ? request.resource.crn : `${kafka.resourceType}:${kafka.name}`;
}

function viaAclOperation(acl: KafkaAcl, request: AuthorizationRequest): string {
  if (acl.operation === request.action) return '';
  return acl.operation === 'ALL' ? ' (ACL operation ALL)' : ` (implied by ${acl.operation})`;
}

export function deniedByAcl(request: AuthorizationRequest, acl: KafkaAcl): AuthorizationDecision {
  return {
    granted: false,
    reason: `DENY ACL on ${describeAclResource(acl)} denies ${request.action} to ${request.principal}${viaAclOperation(acl, request)}`,
    rule: { kind: 'acl', acl },
  };
}

export function grantedByAcl(request: AuthorizationRequest, acl: KafkaAcl): AuthorizationDecision {
  return {
    granted: true,
    reason: `ALLOW ACL on ${describeAclResource(acl)} grants ${request.action} to ${request.principal}${viaAclOperation(acl, request)}`,
    rule: { kind: 'acl', acl },
  };
}

export function grantedByRoleBinding(request: AuthorizationRequest, binding: RoleBinding, role: RoleDefinition): AuthorizationDecision {
  return {
    granted: true,
    reason: `role binding ${binding.id} (${role.name} on ${binding.crn_pattern}) grants ${request.action} to ${request.principal}`,
    rule: { kind: 'rbac', role: role.name, crnPattern: binding.crn_pattern, bindingId: binding.id },
  };
}

export function notGranted(request: AuthorizationRequest): AuthorizationDecision {
  return {
    granted: false,
    reason: `no ACL or role binding grants ${request.action} on ${describeResource(request)} to ${request.principal}`,
  };
}
