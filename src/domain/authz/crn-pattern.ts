/**
 * CRN patterns of role bindings: built from `iam rbac role-binding create` flags, parsed into segments,
 * and matched against resource CRNs. A pattern covers its own resource and everything below it (a binding
 * on `environment=env-x` covers that environment's clusters and topics); a trailing `*` turns the last
 * segment's name into a prefix (`topic=orders-*` covers `topic=orders-eu`).
 */
import { CRN_AUTHORITY, buildCrn, organizationCrn, type CrnParts } from '../crn.js';
import { errors } from '../errors.js';
import type { KafkaResourceType } from './acl.js';
import { ROLE_NAMES, findRole, type AuthzResourceType, type RoleDefinition } from './roles.js';

export interface CrnSegment {
  type: string;
  name: string;
}

export interface ParsedCrn extends CrnParts {
  /** Every `type=name` segment, organization first. For a prefix pattern the last name is the prefix, without `*`. */
  segments: CrnSegment[];
  /** The CRN ended in `*`: the last segment's name is a prefix. */
  prefix: boolean;
}

/** Segments that contain other resources, in the only order they may appear. */
const CONTAINER_SEGMENTS = ['organization', 'environment', 'cloud-cluster', 'kafka', 'schema-registry'] as const;
type ContainerSegment = (typeof CONTAINER_SEGMENTS)[number];

const CONTAINER_PART: Record<Exclude<ContainerSegment, 'organization'>, 'environment' | 'cloudCluster' | 'kafka' | 'schemaRegistry'> = {
  environment: 'environment',
  'cloud-cluster': 'cloudCluster',
  kafka: 'kafka',
  'schema-registry': 'schemaRegistry',
};

const SEGMENT_TYPE = /^[a-z][a-z-]*$/;
const CRN_HEAD = `${CRN_AUTHORITY}/`;

function containerRank(type: string): number {
  return (CONTAINER_SEGMENTS as readonly string[]).indexOf(type);
}

/** Parses a CRN, or says why it cannot (one pass, no exceptions: this runs on every authorization). */
function scanCrn(crn: string): ParsedCrn | string {
  if (!crn.startsWith(CRN_HEAD)) return `it must start with "${CRN_HEAD}"`;
  const prefix = crn.endsWith('*');
  const texts = crn.slice(CRN_HEAD.length, prefix ? -1 : undefined).split('/');
  const segments: CrnSegment[] = [];
  const parsed: ParsedCrn = { organization: '', segments, prefix };
  let rank = 0;
  for (let index = 0; index < texts.length; index++) {
    const text = texts[index]!;
    const isLast = index === texts.length - 1;
    const equals = text.indexOf('=');
    const type = equals < 0 ? '' : text.slice(0, equals);
    const name = text.slice(equals + 1);
    if (!SEGMENT_TYPE.test(type) || (name === '' && !(isLast && prefix))) return `bad segment "${text}"`;
    if (name.includes('*')) return '"*" may only end the last segment';
    segments.push({ type, name });

    if (index === 0) {
      if (type !== 'organization') return 'the first segment must be organization=<id>';
      parsed.organization = name;
      continue;
    }
    const segmentRank = containerRank(type);
    if (segmentRank < 0) {
      if (!isLast) return `"${type}" must be the last segment`;
      parsed.leaf = { type, name };
      continue;
    }
    if (segmentRank <= rank) return `"${type}" is out of place`;
    rank = segmentRank;
    parsed[CONTAINER_PART[type as Exclude<ContainerSegment, 'organization'>]] = name;
  }
  return parsed;
}

/** Splits a CRN (or CRN pattern) into its segments; throws `invalid_configuration` when malformed. */
export function parseCrn(crn: string): ParsedCrn {
  const parsed = scanCrn(crn);
  if (typeof parsed === 'string') throw errors.invalid(`malformed CRN "${crn}": ${parsed}`);
  return parsed;
}

/** `parseCrn`, with undefined for a malformed CRN. */
export function tryParseCrn(crn: string): ParsedCrn | undefined {
  const parsed = scanCrn(crn);
  return typeof parsed === 'string' ? undefined : parsed;
}

/** Does the parsed pattern cover a resource with these segments? */
export function patternCoversSegments(pattern: ParsedCrn, segments: readonly CrnSegment[]): boolean {
  const patternSegments = pattern.segments;
  if (patternSegments.length > segments.length) return false;
  const lastIndex = patternSegments.length - 1;
  return patternSegments.every((want, index) => {
    const have = segments[index]!;
    if (want.type !== have.type) return false;
    if (index === lastIndex && pattern.prefix) return have.name.startsWith(want.name);
    return want.name === have.name;
  });
}

/**
 * Does the CRN pattern cover the resource CRN? Malformed input never matches, and the resource must be
 * a concrete CRN (a pattern ending in `*` is not a resource).
 */
export function crnPatternMatches(pattern: string, crn: string): boolean {
  const parsedPattern = tryParseCrn(pattern);
  const resource = tryParseCrn(crn);
  if (parsedPattern === undefined || resource === undefined || resource.prefix) return false;
  return patternCoversSegments(parsedPattern, resource.segments);
}

// ---------------------------------------------------------------------------------------------
// Resource types

/** The `--resource` types of `iam rbac role-binding create`: CRN segment, authorizer type, parent. */
export const BINDING_RESOURCE_TYPES = [
  { flag: 'Topic', segment: 'topic', type: 'TOPIC', parent: 'kafka' },
  { flag: 'Group', segment: 'group', type: 'GROUP', parent: 'kafka' },
  { flag: 'TransactionalId', segment: 'transactional-id', type: 'TRANSACTIONAL_ID', parent: 'kafka' },
  { flag: 'Subject', segment: 'subject', type: 'SUBJECT', parent: 'schema-registry' },
  { flag: 'ServiceAccount', segment: 'service-account', type: 'SERVICE_ACCOUNT', parent: 'organization' },
] as const satisfies ReadonlyArray<{ flag: string; segment: string; type: AuthzResourceType; parent: string }>;
export type BindingResourceType = (typeof BINDING_RESOURCE_TYPES)[number];

const KAFKA_SEGMENTS: Record<Exclude<KafkaResourceType, 'CLUSTER'>, string> = {
  TOPIC: 'topic',
  GROUP: 'group',
  TRANSACTIONAL_ID: 'transactional-id',
};

/** The type of resource a CRN names: its leaf's type, or CLUSTER for a Kafka cluster; undefined otherwise. */
export function resourceTypeOfCrn(crn: ParsedCrn): AuthzResourceType | undefined {
  if (crn.leaf !== undefined) return BINDING_RESOURCE_TYPES.find((entry) => entry.segment === crn.leaf!.type)?.type;
  const last = crn.segments[crn.segments.length - 1];
  return last?.type === 'kafka' || last?.type === 'cloud-cluster' ? 'CLUSTER' : undefined;
}

/** The CRN of a Kafka resource: `…/cloud-cluster=lkc-x/kafka=lkc-x[/topic=orders]`. */
export function kafkaResourceCrn(resource: {
  organization: string;
  environment: string;
  clusterId: string;
  resourceType: KafkaResourceType;
  name: string;
}): string {
  const cluster = {
    organization: resource.organization,
    environment: resource.environment,
    cloudCluster: resource.clusterId,
    kafka: resource.clusterId,
  };
  if (resource.resourceType === 'CLUSTER') return buildCrn(cluster);
  return buildCrn({ ...cluster, leaf: { type: KAFKA_SEGMENTS[resource.resourceType], name: resource.name } });
}

// ---------------------------------------------------------------------------------------------
// Building a role binding's pattern from CLI flags

export interface RoleBindingScope {
  organization: string;
  environment?: string | undefined;
  cloudCluster?: string | undefined;
  kafkaCluster?: string | undefined;
  schemaRegistryCluster?: string | undefined;
  /** `Type:name`, e.g. `Topic:orders`, `ServiceAccount:sa-abc123`. */
  resource?: string | undefined;
  /** The resource name is a prefix. */
  prefix?: boolean | undefined;
}

type ScopeFlag = 'environment' | 'cloudCluster' | 'kafkaCluster' | 'schemaRegistryCluster' | 'resource';

const FLAG_NAMES: Record<ScopeFlag, string> = {
  environment: '`--environment`',
  cloudCluster: '`--cloud-cluster`',
  kafkaCluster: '`--kafka-cluster`',
  schemaRegistryCluster: '`--schema-registry-cluster`',
  resource: '`--resource`',
};

const ID_PREFIXES: Record<Exclude<ScopeFlag, 'resource'>, string> = {
  environment: 'env-',
  cloudCluster: 'lkc-',
  kafkaCluster: 'lkc-',
  schemaRegistryCluster: 'lsrc-',
};

const present = (value: string | undefined): value is string => value !== undefined && value !== '';

function refuseFlags(scope: RoleBindingScope, flags: readonly ScopeFlag[], role: RoleDefinition): void {
  const given = flags.filter((flag) => present(scope[flag]));
  if (given.length > 0) {
    throw errors.invalid(
      `role ${role.name} is bound at ${role.scope} scope; ${given.map((flag) => FLAG_NAMES[flag]).join(', ')} cannot be used with it`,
    );
  }
}

function requireFlag(scope: RoleBindingScope, flag: Exclude<ScopeFlag, 'resource'>, why: string): string {
  const value = scope[flag];
  if (!present(value)) throw errors.invalid(`must specify ${FLAG_NAMES[flag]} ${why}`);
  return checkId(value, ID_PREFIXES[flag]);
}

function checkId(value: string, prefix: string): string {
  if (!value.startsWith(prefix) || value.length === prefix.length) {
    throw errors.invalid(`failed parsing resource ID "${value}": missing prefix "${prefix}" is required`);
  }
  if (/[/=*\s]/.test(value)) throw errors.invalid(`invalid resource ID "${value}"`);
  return value;
}

function parseResourceFlag(value: string): { kind: BindingResourceType; name: string } {
  const colon = value.indexOf(':');
  if (colon <= 0) {
    throw errors.invalid('incorrect resource format specified: use `<Resource Type>:<Resource Name>`, e.g. `Topic:orders`');
  }
  const typeText = value.slice(0, colon);
  const name = value.slice(colon + 1);
  const kind = BINDING_RESOURCE_TYPES.find((entry) => entry.flag.toLowerCase() === typeText.toLowerCase());
  if (kind === undefined) {
    const valid = BINDING_RESOURCE_TYPES.map((entry) => entry.flag).join(', ');
    throw errors.invalid(`invalid resource type "${typeText}": the available resource types are ${valid}`);
  }
  if (name === '') throw errors.invalid(`the resource name is missing in "${value}"`);
  if (name.includes('/')) throw errors.invalid(`a resource name cannot contain "/": "${name}"`);
  if (name.includes('*')) throw errors.invalid(`a resource name cannot contain "*": use \`--prefix\` for a prefix pattern`);
  return { kind, name };
}

function requireRole(roleName: string): RoleDefinition {
  const role = findRole(roleName);
  if (role === undefined) {
    throw errors.invalid(`unknown role "${roleName}"; the available roles are ${ROLE_NAMES.join(', ')}`);
  }
  return role;
}

function kafkaClusterOf(scope: RoleBindingScope): string {
  const cloud = scope.cloudCluster;
  const kafka = scope.kafkaCluster;
  if (present(cloud) && present(kafka) && cloud !== kafka) {
    throw errors.invalid(`\`--cloud-cluster\` ${cloud} and \`--kafka-cluster\` ${kafka} name different clusters`);
  }
  const cluster = present(kafka) ? kafka : cloud;
  if (!present(cluster)) throw errors.invalid('must specify `--kafka-cluster` to uniquely identify the scope');
  return checkId(cluster, 'lkc-');
}

function resourceScopedPattern(role: RoleDefinition, scope: RoleBindingScope, resourceFlag: string): string {
  const { kind, name } = parseResourceFlag(resourceFlag);
  if (!(role.resourceTypes ?? []).includes(kind.type)) {
    const valid = BINDING_RESOURCE_TYPES.filter((entry) => (role.resourceTypes ?? []).includes(entry.type)).map((entry) => entry.flag);
    throw errors.invalid(`role ${role.name} cannot be bound to a ${kind.flag}; its resource types are ${valid.join(', ')}`);
  }
  const leafName = scope.prefix ? `${name}*` : name;
  const leaf = { type: kind.segment, name: leafName };

  switch (kind.parent) {
    case 'organization': {
      refuseFlags(scope, ['environment', 'cloudCluster', 'kafkaCluster', 'schemaRegistryCluster'], role);
      if (scope.prefix) throw errors.invalid(`\`--prefix\` cannot be used with a ${kind.flag} resource`);
      checkId(name, 'sa-');
      return buildCrn({ organization: scope.organization, leaf });
    }
    case 'kafka': {
      refuseFlags(scope, ['schemaRegistryCluster'], role);
      const environment = requireFlag(scope, 'environment', 'to indicate role binding scope');
      const cluster = kafkaClusterOf(scope);
      return buildCrn({ organization: scope.organization, environment, cloudCluster: cluster, kafka: cluster, leaf });
    }
    case 'schema-registry': {
      refuseFlags(scope, ['cloudCluster', 'kafkaCluster'], role);
      const environment = requireFlag(scope, 'environment', 'to indicate role binding scope');
      const registry = requireFlag(scope, 'schemaRegistryCluster', 'for a Subject resource');
      return buildCrn({ organization: scope.organization, environment, schemaRegistry: registry, leaf });
    }
  }
}

/**
 * The CRN pattern of a new role binding, from the flags of `iam rbac role-binding create`. Throws an
 * `invalid_configuration` KeywardError when the flags do not fit the role's scope.
 */
export function buildRoleBindingCrnPattern(roleName: string, scope: RoleBindingScope): string {
  const role = requireRole(roleName);
  if (!present(scope.organization) || /[/=*\s]/.test(scope.organization)) {
    throw errors.invalid(`invalid organization ID "${scope.organization}"`);
  }
  if (scope.prefix && !present(scope.resource)) throw errors.invalid('`--prefix` requires `--resource`');

  switch (role.scope) {
    case 'organization':
      refuseFlags(scope, ['environment', 'cloudCluster', 'kafkaCluster', 'schemaRegistryCluster', 'resource'], role);
      return organizationCrn(scope.organization);
    case 'environment': {
      refuseFlags(scope, ['cloudCluster', 'kafkaCluster', 'schemaRegistryCluster', 'resource'], role);
      const environment = requireFlag(scope, 'environment', 'to indicate role binding scope');
      return buildCrn({ organization: scope.organization, environment });
    }
    case 'cluster': {
      refuseFlags(scope, ['schemaRegistryCluster', 'resource'], role);
      const environment = requireFlag(scope, 'environment', 'to indicate role binding scope');
      const cluster = requireFlag(scope, 'cloudCluster', 'to indicate role binding scope');
      if (present(scope.kafkaCluster) && scope.kafkaCluster !== cluster) {
        throw errors.invalid(`\`--cloud-cluster\` ${cluster} and \`--kafka-cluster\` ${scope.kafkaCluster} name different clusters`);
      }
      return buildCrn({ organization: scope.organization, environment, cloudCluster: cluster });
    }
    case 'resource': {
      if (!present(scope.resource)) {
        throw errors.invalid(`role ${role.name} is bound to a resource: specify \`--resource Type:name\``);
      }
      return resourceScopedPattern(role, scope, scope.resource);
    }
  }
}
