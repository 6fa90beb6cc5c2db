/**
 * The Access page's role-binding scopes: which bindings concern a cluster, which roles can be bound on
 * it, and the crn_pattern of a new binding from the form — built by the same function as
 * `iam rbac role-binding create` (src/domain/authz/crn-pattern.ts), so the rules are not restated.
 */
import type { RoleName } from '../../../src/contract/index';
import { ROLE_NAMES } from '../../../src/contract/index';
import { BINDING_RESOURCE_TYPES, buildRoleBindingCrnPattern, crnPatternMatches, tryParseCrn, type RoleBindingScope } from '../../../src/domain/authz/crn-pattern';
import { findRole, type RoleScope } from '../../../src/domain/authz/roles';
import { resourceCrn } from '../../../src/domain/crn';

export type ClusterKind = 'kafka' | 'schema-registry';

/** A Kafka cluster (lkc-…) or a Schema Registry cluster (lsrc-…) and its environment. */
export interface AccessCluster {
  id: string;
  name: string;
  kind: ClusterKind;
  environment: string;
}

/** `--resource` type names (Topic, Group, TransactionalId, Subject, ServiceAccount). */
export type BindingResourceFlag = (typeof BINDING_RESOURCE_TYPES)[number]['flag'];

export function clusterCrn(organization: string, cluster: AccessCluster): string {
  return resourceCrn(organization, { kind: cluster.kind, id: cluster.id, environment: cluster.environment });
}

/**
 * How a binding's pattern concerns a cluster: it covers the whole cluster (an organization, environment
 * or cluster binding), it is on something inside it (a topic, a subject), or neither (null).
 */
export function bindingRelation(crnPattern: string, organization: string, cluster: AccessCluster): 'covers' | 'inside' | null {
  const crn = clusterCrn(organization, cluster);
  if (crnPatternMatches(crnPattern, crn)) return 'covers';
  const pattern = tryParseCrn(crnPattern);
  const own = tryParseCrn(crn);
  if (pattern === undefined || own === undefined || pattern.segments.length <= own.segments.length) return null;
  const within = own.segments.every((segment, index) => {
    const theirs = pattern.segments[index]!;
    return theirs.type === segment.type && theirs.name === segment.name;
  });
  return within ? 'inside' : null;
}

/** The resource types a role may name inside a cluster of this kind (none for roles not bound to a resource). */
export function resourceTypesFor(roleName: RoleName, kind: ClusterKind): BindingResourceFlag[] {
  const role = findRole(roleName);
  if (role === undefined || role.scope !== 'resource') return [];
  return BINDING_RESOURCE_TYPES.filter((entry) => entry.parent === kind && (role.resourceTypes ?? []).includes(entry.type)).map((entry) => entry.flag);
}

/** Where a binding of the role goes: organization, environment, cluster or a resource. */
export function scopeOf(roleName: RoleName): RoleScope | undefined {
  return findRole(roleName)?.scope;
}

/** The roles a binding made from this cluster's page can carry (a cluster role needs a Kafka cluster; a resource role, a resource type of it). */
export function rolesFor(kind: ClusterKind): RoleName[] {
  return ROLE_NAMES.filter((name) => {
    const scope = scopeOf(name);
    if (scope === 'organization' || scope === 'environment') return true;
    if (scope === 'cluster') return kind === 'kafka';
    return resourceTypesFor(name, kind).length > 0;
  });
}

/** The words of the scope a role binds, for the form ("the organization", "environment env-…", "the cluster lkc-…"). */
export function describeScope(roleName: RoleName, cluster: AccessCluster): string {
  switch (scopeOf(roleName)) {
    case 'organization':
      return 'the whole organization';
    case 'environment':
      return `environment ${cluster.environment} (every cluster in it)`;
    case 'cluster':
      return `the cluster ${cluster.id}`;
    default:
      return 'a resource in the cluster';
  }
}

export interface BindingForm {
  role: RoleName;
  /** For resource-scoped roles. */
  resourceType?: BindingResourceFlag | '';
  resourceName?: string;
  prefix?: boolean;
}

export type PatternResult = { ok: true; crnPattern: string } | { ok: false; message: string };

/** The crn_pattern of `POST /iam/v2/role-bindings` for the form, or why the form is not complete. */
export function bindingPattern(organization: string, cluster: AccessCluster, form: BindingForm): PatternResult {
  const scope: RoleBindingScope = { organization };
  switch (scopeOf(form.role)) {
    case 'organization':
      break;
    case 'environment':
      scope.environment = cluster.environment;
      break;
    case 'cluster':
      scope.environment = cluster.environment;
      scope.cloudCluster = cluster.id;
      break;
    case 'resource': {
      const name = (form.resourceName ?? '').trim();
      if (form.resourceType === undefined || form.resourceType === '') return { ok: false, message: 'Choose a resource type.' };
      if (name === '') return { ok: false, message: 'Enter the resource name (or the prefix).' };
      scope.environment = cluster.environment;
      if (cluster.kind === 'kafka') scope.kafkaCluster = cluster.id;
      else scope.schemaRegistryCluster = cluster.id;
      scope.resource = `${form.resourceType}:${name}`;
      scope.prefix = form.prefix === true;
      break;
    }
    default:
      return { ok: false, message: `Unknown role ${form.role}.` };
  }
  try {
    return { ok: true, crnPattern: buildRoleBindingCrnPattern(form.role, scope) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message.replace(/`--prefix`/g, '"Prefix"') : String(error) };
  }
}
