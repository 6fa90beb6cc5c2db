/**
 * Role bindings and ACLs compiled into the grants a Kafka broker matches without keyward's roles table
 * (DESIGN §8, the replica's `grants`).
 *
 * - Each ACL of the cluster becomes one grant: its own principal, permission, operation, pattern and host.
 * - Each role binding becomes, for every Kafka resource type (TOPIC, GROUP, TRANSACTIONAL_ID, CLUSTER), one
 *   ALLOW grant with the Kafka operations its role grants on that type (`ALL` when it grants every one):
 *   a CRN pattern covering the whole cluster (organization, environment, cloud-cluster or kafka level, or a
 *   prefix on one of them that the cluster's CRN starts with) → LITERAL `*` (CLUSTER: LITERAL `kafka-cluster`);
 *   a leaf `topic=orders` → LITERAL `orders` on its own type only; `topic=ord*` → PREFIXED `ord`; `topic=*`
 *   → LITERAL `*`. A pattern that covers none of the cluster's resources compiles into nothing. Host `*`.
 *
 * Role bindings only ever grant (DENY comes from ACLs alone), so the broker's order "a matching DENY, else a
 * matching ALLOW" decides as keyward's authorizer does. The decision vectors prove it (decision-vectors.ts).
 */
import {
  CLUSTER_RESOURCE_NAME,
  KAFKA_OPERATIONS,
  KAFKA_RESOURCE_TYPES,
  WILDCARD_HOST,
  WILDCARD_PRINCIPAL,
  WILDCARD_RESOURCE_NAME,
  type AclOperation,
  type AclPermission,
  type KafkaAcl,
  type KafkaOperation,
  type KafkaResourceType,
  type PatternType,
} from '../authz/acl.js';
import { tryParseCrn, type CrnSegment, type ParsedCrn } from '../authz/crn-pattern.js';
import type { RoleBinding } from '../authz/decision.js';
import { findRole, roleGrants, type RoleDefinition } from '../authz/roles.js';

export type ReplicaGrantSourceKind = 'role-binding' | 'acl';

/** One grant of the replica, exactly as the broker receives it (DESIGN §8). */
export interface ReplicaGrant {
  principal: string;
  permission: AclPermission;
  /** Kafka's operation names; `ALL` matches every operation. */
  operations: AclOperation[];
  resource_type: KafkaResourceType;
  pattern_type: PatternType;
  name: string;
  host: string;
  source: { kind: ReplicaGrantSourceKind; id: string; role: string | null };
}

export interface CompileGrantsInput {
  organizationId: string;
  environmentId: string;
  clusterId: string;
  /** ACLs of any cluster: only this cluster's are compiled. */
  acls: readonly KafkaAcl[];
  roleBindings: readonly RoleBinding[];
}

/** The grants a broker of `clusterId` needs: the cluster's ACLs first (in input order), then the role bindings'. */
export function compileGrants(input: CompileGrantsInput): ReplicaGrant[] {
  const grants: ReplicaGrant[] = [];
  for (const acl of input.acls) {
    if (acl.cluster_id === input.clusterId) grants.push(grantOfAcl(acl));
  }
  const clusterSegments = clusterCrnSegments(input);
  for (const binding of input.roleBindings) grants.push(...grantsOfRoleBinding(binding, clusterSegments));
  return grants;
}

export function grantOfAcl(acl: KafkaAcl): ReplicaGrant {
  return {
    principal: acl.principal,
    permission: acl.permission,
    operations: [acl.operation],
    resource_type: acl.resource_type,
    pattern_type: acl.pattern_type,
    name: acl.resource_name,
    host: acl.host,
    source: { kind: 'acl', id: acl.id ?? '', role: null },
  };
}

/** The CRN segments of the cluster resource itself: `organization=…/environment=…/cloud-cluster=lkc-x/kafka=lkc-x`. */
function clusterCrnSegments(input: Pick<CompileGrantsInput, 'organizationId' | 'environmentId' | 'clusterId'>): CrnSegment[] {
  return [
    { type: 'organization', name: input.organizationId },
    { type: 'environment', name: input.environmentId },
    { type: 'cloud-cluster', name: input.clusterId },
    { type: 'kafka', name: input.clusterId },
  ];
}

const LEAF_TYPES: Readonly<Record<string, Exclude<KafkaResourceType, 'CLUSTER'>>> = {
  topic: 'TOPIC',
  group: 'GROUP',
  'transactional-id': 'TRANSACTIONAL_ID',
};

/** What a pattern covers of one cluster: all of it, the resources of one type matching a name pattern, or nothing. */
type Coverage =
  | { kind: 'cluster' }
  | { kind: 'leaf'; resourceType: Exclude<KafkaResourceType, 'CLUSTER'>; patternType: PatternType; name: string }
  | undefined;

function segmentMatches(want: CrnSegment, have: CrnSegment, asPrefix: boolean): boolean {
  if (want.type !== have.type) return false;
  return asPrefix ? have.name.startsWith(want.name) : want.name === have.name;
}

export function coverageOfPattern(pattern: ParsedCrn, clusterSegments: readonly CrnSegment[]): Coverage {
  const segments = pattern.segments;
  const last = segments.length - 1;
  const containers = Math.min(segments.length, clusterSegments.length);
  for (let index = 0; index < containers; index++) {
    if (!segmentMatches(segments[index]!, clusterSegments[index]!, pattern.prefix && index === last)) return undefined;
  }
  if (segments.length <= clusterSegments.length) return { kind: 'cluster' };
  if (segments.length !== clusterSegments.length + 1) return undefined;
  const leaf = segments[last]!;
  const resourceType = LEAF_TYPES[leaf.type];
  if (resourceType === undefined) return undefined;
  if (!pattern.prefix) return { kind: 'leaf', resourceType, patternType: 'LITERAL', name: leaf.name };
  if (leaf.name === '') return { kind: 'leaf', resourceType, patternType: 'LITERAL', name: WILDCARD_RESOURCE_NAME };
  return { kind: 'leaf', resourceType, patternType: 'PREFIXED', name: leaf.name };
}

/** The Kafka operations the role grants on a resource of this type: `['ALL']` when it grants every one. */
export function kafkaOperationsOfRole(role: RoleDefinition, resourceType: KafkaResourceType): AclOperation[] {
  const granted: KafkaOperation[] = KAFKA_OPERATIONS.filter((operation) => roleGrants(role, operation, resourceType));
  return granted.length === KAFKA_OPERATIONS.length ? ['ALL'] : granted;
}

function grantsOfRoleBinding(binding: RoleBinding, clusterSegments: readonly CrnSegment[]): ReplicaGrant[] {
  // keyward matches a binding's principal exactly; `User:*` at the broker would mean everyone.
  if (binding.principal === WILDCARD_PRINCIPAL) return [];
  const role = findRole(binding.role_name);
  const pattern = tryParseCrn(binding.crn_pattern);
  if (role === undefined || pattern === undefined) return [];
  const coverage = coverageOfPattern(pattern, clusterSegments);
  if (coverage === undefined) return [];

  const grants: ReplicaGrant[] = [];
  const push = (resourceType: KafkaResourceType, patternType: PatternType, name: string): void => {
    const operations = kafkaOperationsOfRole(role, resourceType);
    if (operations.length === 0) return;
    grants.push({
      principal: binding.principal,
      permission: 'ALLOW',
      operations,
      resource_type: resourceType,
      pattern_type: patternType,
      name,
      host: WILDCARD_HOST,
      source: { kind: 'role-binding', id: binding.id, role: role.name },
    });
  };
  if (coverage.kind === 'leaf') {
    push(coverage.resourceType, coverage.patternType, coverage.name);
    return grants;
  }
  for (const resourceType of KAFKA_RESOURCE_TYPES) {
    push(resourceType, 'LITERAL', resourceType === 'CLUSTER' ? CLUSTER_RESOURCE_NAME : WILDCARD_RESOURCE_NAME);
  }
  return grants;
}
