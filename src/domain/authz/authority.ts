/**
 * No path to more privilege (DESIGN §9), pure: what a principal may grant, and when it has authority
 * over another principal.
 *
 * - **Pattern containment.** `patternContains(outer, inner)`: every resource `inner` covers is covered
 *   by `outer`. A literal never covers a prefix at its own level (`topic=billing` does not contain
 *   `topic=billing*`); a prefix contains a longer prefix or a literal inside it; a pattern contains
 *   everything below its resource.
 * - **A grant the caller could make.** A role binding (role R on pattern P) is one the caller could
 *   create when one of the caller's own bindings grants `role-binding:manage` on P's resource type,
 *   its pattern contains P, and its role grants, on what P covers, everything R grants there. An
 *   ALLOW ACL on cluster C is one the caller could create when one of its bindings grants
 *   `acl:manage` on C. Either way, the grant must not overlap a DENY ACL naming the caller itself:
 *   nobody passes on what they are denied.
 * - **Authority over a principal.** The caller has authority over another principal when every grant
 *   that principal holds (its role bindings and its own ALLOW ACLs) is one the caller could make.
 *   Creating, rotating or re-enabling keys of another principal needs it.
 */
import {
  ALLOW_IMPLIES,
  KAFKA_OPERATIONS,
  WILDCARD_RESOURCE_NAME,
  type AclOperation,
  type KafkaAcl,
  type KafkaOperation,
  type KafkaResourceType,
  type PatternType,
} from './acl.js';
import { kafkaResourceCrn, patternCoversSegments, resourceTypeOfCrn, tryParseCrn, type ParsedCrn } from './crn-pattern.js';
import type { RoleBinding } from './decision.js';
import {
  AUTHZ_RESOURCE_TYPES,
  MANAGEMENT_PERMISSIONS,
  findRole,
  roleGrants,
  type AuthzAction,
  type AuthzResourceType,
  type RoleDefinition,
} from './roles.js';
import { buildCrn, organizationCrn } from '../crn.js';

// ---------------------------------------------------------------------------------------------
// Pattern containment

/** Does `outer` cover every resource `inner` covers? Both are parsed CRN patterns. */
export function parsedPatternContains(outer: ParsedCrn, inner: ParsedCrn): boolean {
  const outerSegments = outer.segments;
  const innerSegments = inner.segments;
  if (outerSegments.length > innerSegments.length) return false;
  const last = outerSegments.length - 1;
  for (let index = 0; index <= last; index++) {
    const want = outerSegments[index]!;
    const have = innerSegments[index]!;
    if (want.type !== have.type) return false;
    if (index < last || !outer.prefix) {
      if (want.name !== have.name) return false;
    } else if (!have.name.startsWith(want.name)) {
      return false;
    }
  }
  // At the outer pattern's own level a literal never covers a prefix; below it, it covers everything.
  if (innerSegments.length === outerSegments.length && inner.prefix && !outer.prefix) return false;
  return true;
}

/** `parsedPatternContains` over CRN pattern text; a malformed pattern contains and is contained by nothing. */
export function patternContains(outer: string, inner: string): boolean {
  const parsedOuter = tryParseCrn(outer);
  const parsedInner = tryParseCrn(inner);
  return parsedOuter !== undefined && parsedInner !== undefined && parsedPatternContains(parsedOuter, parsedInner);
}

// ---------------------------------------------------------------------------------------------
// Roles within roles

const ALL_ACTIONS: readonly AuthzAction[] = [...MANAGEMENT_PERMISSIONS, ...KAFKA_OPERATIONS];

/** The resource types a pattern can reach: its leaf's type, or (a container) every type and the container itself. */
function typesUnder(pattern: ParsedCrn): ReadonlyArray<AuthzResourceType | undefined> {
  if (pattern.leaf !== undefined) return [resourceTypeOfCrn(pattern)];
  return [undefined, ...AUTHZ_RESOURCE_TYPES];
}

/** Does `outer` grant, on what `pattern` reaches, every action `inner` grants there? */
export function roleWithin(inner: RoleDefinition, outer: RoleDefinition, pattern: ParsedCrn): boolean {
  return typesUnder(pattern).every((type) => ALL_ACTIONS.every((action) => !roleGrants(inner, action, type) || roleGrants(outer, action, type)));
}

// ---------------------------------------------------------------------------------------------
// Overlap with a DENY ACL

function namesOverlap(a: { name: string; prefix: boolean }, b: { name: string; prefix: boolean }): boolean {
  if ((!a.prefix && a.name === WILDCARD_RESOURCE_NAME) || (!b.prefix && b.name === WILDCARD_RESOURCE_NAME)) return true;
  if (a.prefix && b.prefix) return a.name.startsWith(b.name) || b.name.startsWith(a.name);
  if (a.prefix) return b.name.startsWith(a.name);
  if (b.prefix) return a.name.startsWith(b.name);
  return a.name === b.name;
}

const aclName = (acl: { resource_name: string; pattern_type: PatternType }) => ({ name: acl.resource_name, prefix: acl.pattern_type === 'PREFIXED' });

/** The operations an ALLOW of `operation` grants (Kafka's implication included). */
function allowedOperations(operation: AclOperation): readonly KafkaOperation[] {
  if (operation === 'ALL') return KAFKA_OPERATIONS;
  const implied = (Object.keys(ALLOW_IMPLIES) as KafkaOperation[]).filter((op) => ALLOW_IMPLIES[op]!.includes(operation));
  return [operation, ...implied];
}

const denies = (deny: KafkaAcl, operation: KafkaOperation) => deny.operation === 'ALL' || deny.operation === operation;

const LEAF_SEGMENT: Record<Exclude<KafkaResourceType, 'CLUSTER'>, string> = { TOPIC: 'topic', GROUP: 'group', TRANSACTIONAL_ID: 'transactional-id' };

/** Does an ALLOW ACL grant something the DENY ACL refuses (same cluster, type, an overlapping name and operation)? */
export function aclOverlapsDeny(allow: KafkaAcl, deny: KafkaAcl): boolean {
  if (allow.cluster_id !== deny.cluster_id || allow.resource_type !== deny.resource_type) return false;
  if (!namesOverlap(aclName(allow), aclName(deny))) return false;
  return allowedOperations(allow.operation).some((operation) => denies(deny, operation));
}

/**
 * Does a role binding grant a data operation the DENY ACL refuses? `denyEnvironment` is the
 * environment of the DENY ACL's cluster (a Kafka ACL names only its cluster).
 */
export function bindingOverlapsDeny(role: RoleDefinition, pattern: ParsedCrn, deny: KafkaAcl, denyEnvironment: string): boolean {
  const type = deny.resource_type;
  if (!KAFKA_OPERATIONS.some((operation) => denies(deny, operation) && roleGrants(role, operation, type))) return false;
  const cluster = tryParseCrn(kafkaResourceCrn({ organization: pattern.organization, environment: denyEnvironment, clusterId: deny.cluster_id, resourceType: 'CLUSTER', name: '' }))!;
  if (pattern.leaf === undefined) return patternCoversSegments(pattern, cluster.segments) || parsedPatternContains(cluster, pattern);
  // A binding on one resource: inside the DENY's cluster, of its type, with an overlapping name.
  if (type === 'CLUSTER' || pattern.segments.length !== cluster.segments.length + 1) return false;
  if (!cluster.segments.every((segment, index) => segment.type === pattern.segments[index]!.type && segment.name === pattern.segments[index]!.name)) return false;
  return pattern.leaf.type === LEAF_SEGMENT[type] && namesOverlap({ name: pattern.leaf.name, prefix: pattern.prefix }, aclName(deny));
}

// ---------------------------------------------------------------------------------------------
// Grants, and who may make them

/** What a principal holds that could be passed on: its role bindings and its own (not `User:*`) ALLOW ACLs. */
export interface HeldGrants {
  principal: string;
  roleBindings: readonly Pick<RoleBinding, 'role_name' | 'crn_pattern'>[];
  allowAcls: readonly KafkaAcl[];
}

/** The caller, as far as granting goes: its bindings and the DENY ACLs that name it. */
export interface Grantor {
  principal: string;
  organization: string;
  roleBindings: readonly Pick<RoleBinding, 'role_name' | 'crn_pattern'>[];
  /** DENY ACLs whose principal is the caller itself (a `User:*` DENY refuses the grantee as well). */
  denyAcls: readonly KafkaAcl[];
  /** Cluster id → environment id, for every cluster a grant or a DENY ACL names. */
  clusterEnvironments: ReadonlyMap<string, string>;
}

export type Grant =
  | { kind: 'role-binding'; roleName: string; crnPattern: string }
  | { kind: 'acl'; acl: KafkaAcl };

export function describeGrant(grant: Grant): string {
  if (grant.kind === 'role-binding') return `${grant.roleName} on ${grant.crnPattern}`;
  const { acl } = grant;
  return `${acl.permission} ${acl.operation} on ${acl.resource_type}:${acl.resource_name} (${acl.pattern_type}) in ${acl.cluster_id}`;
}

interface CallerBinding {
  role: RoleDefinition;
  pattern: ParsedCrn;
  text: string;
}

function callerBindings(grantor: Grantor): CallerBinding[] {
  const result: CallerBinding[] = [];
  for (const binding of grantor.roleBindings) {
    const role = findRole(binding.role_name);
    const pattern = tryParseCrn(binding.crn_pattern);
    if (role !== undefined && pattern !== undefined) result.push({ role, pattern, text: binding.crn_pattern });
  }
  return result;
}

/** The DENY ACL naming the caller that the grant would pass around, if any. */
function deniedPart(grantor: Grantor, grant: Grant): KafkaAcl | undefined {
  if (grant.kind === 'acl') {
    if (grant.acl.permission !== 'ALLOW') return undefined;
    return grantor.denyAcls.find((deny) => aclOverlapsDeny(grant.acl, deny));
  }
  const role = findRole(grant.roleName);
  const pattern = tryParseCrn(grant.crnPattern);
  if (role === undefined || pattern === undefined) return undefined;
  return grantor.denyAcls.find((deny) => {
    const environment = grantor.clusterEnvironments.get(deny.cluster_id);
    return environment !== undefined && bindingOverlapsDeny(role, pattern, deny, environment);
  });
}

/**
 * Why the caller could not make this grant, or undefined when it could. The reason names the rule,
 * never a secret.
 */
export function grantRefusal(grantor: Grantor, grant: Grant): string | undefined {
  const bindings = callerBindings(grantor);
  if (grant.kind === 'role-binding') {
    const role = findRole(grant.roleName);
    const pattern = tryParseCrn(grant.crnPattern);
    if (role === undefined || pattern === undefined) return `${describeGrant(grant)} is not a valid role binding`;
    const type = resourceTypeOfCrn(pattern);
    const managing = bindings.filter((b) => roleGrants(b.role, 'role-binding:manage', type) && parsedPatternContains(b.pattern, pattern));
    if (managing.length === 0) return `no role binding of ${grantor.principal} that grants role-binding:manage contains ${grant.crnPattern}`;
    if (!managing.some((b) => roleWithin(role, b.role, pattern))) {
      return `${role.name} grants more on ${grant.crnPattern} than ${grantor.principal}'s ${managing.map((b) => b.role.name).join(', ')} there`;
    }
  } else if (grant.acl.permission === 'ALLOW') {
    const environment = grantor.clusterEnvironments.get(grant.acl.cluster_id);
    if (environment === undefined) return `${describeGrant(grant)} names an unknown cluster`;
    const cluster = tryParseCrn(buildCrn({ organization: grantor.organization, environment, cloudCluster: grant.acl.cluster_id }))!;
    if (!bindings.some((b) => roleGrants(b.role, 'acl:manage', 'CLUSTER') && patternCoversSegments(b.pattern, cluster.segments))) {
      return `${grantor.principal} may not manage the ACLs of ${grant.acl.cluster_id}`;
    }
  }
  const deny = deniedPart(grantor, grant);
  if (deny !== undefined) {
    return `${describeGrant(grant)} would pass on what a DENY ACL refuses ${grantor.principal} (${deny.operation} on ${deny.resource_type}:${deny.resource_name} (${deny.pattern_type}) in ${deny.cluster_id})`;
  }
  return undefined;
}

/** Why the caller has no authority over the principal holding `target`, or undefined when it has. */
export function authorityRefusal(grantor: Grantor, target: HeldGrants): string | undefined {
  if (target.principal === grantor.principal) return undefined;
  const grants: Grant[] = [
    ...target.roleBindings.map((b): Grant => ({ kind: 'role-binding', roleName: b.role_name, crnPattern: b.crn_pattern })),
    ...target.allowAcls.filter((acl) => acl.permission === 'ALLOW' && acl.principal === target.principal).map((acl): Grant => ({ kind: 'acl', acl })),
  ];
  for (const grant of grants) {
    const refusal = grantRefusal(grantor, grant);
    if (refusal !== undefined) return `${target.principal} holds ${describeGrant(grant)}, which ${grantor.principal} could not grant: ${refusal}`;
  }
  return undefined;
}

/** Does one of the bindings give everything OrganizationAdmin gives, on the whole organization? */
export function holdsOrganizationAuthority(bindings: readonly Pick<RoleBinding, 'role_name' | 'crn_pattern'>[], organization: string): boolean {
  const top = findRole('OrganizationAdmin')!;
  const org = tryParseCrn(organizationCrn(organization))!;
  return bindings.some((binding) => {
    const role = findRole(binding.role_name);
    return role !== undefined && binding.crn_pattern === organizationCrn(organization) && roleWithin(top, role, org);
  });
}
