/**
 * Kafka ACLs: the model, its validation, and matching with Apache Kafka's own semantics.
 *
 * Sources (apache/kafka):
 * - metadata/.../authorizer/StandardAuthorizerData.java (`findResult`, `findAclRule`): principal is the
 *   exact principal or `User:*`; host is `*` or exact; LITERAL names match exactly, the LITERAL name `*`
 *   matches every name, PREFIXED names match by `startsWith`; ALL matches any operation; an ALLOW of
 *   READ/WRITE/DELETE/ALTER implies DESCRIBE and an ALLOW of ALTER_CONFIGS implies DESCRIBE_CONFIGS,
 *   "but this rule only applies to ALLOW ACLs"; any matching DENY wins.
 * - core/.../AclAuthorizer.scala (`denyAclExists`, `allowAclExists`): the same rules for ZooKeeper clusters.
 * - clients/.../acl/AclOperation.java: the operation list and its implication table.
 * - server/.../security/authorizer/AclEntry.java (`supportedOperations`): which operations each
 *   resource type accepts, as enforced by `kafka-acls.sh` (tools/.../AclCommand.java `validateOperation`).
 * - metadata/.../controller/AclControlManager.java (`validateNewAcl`): only LITERAL or PREFIXED patterns,
 *   no ANY/UNKNOWN operation, resource name not empty.
 * Error texts follow the `confluent` CLI (`invalid operation value: FAKE`, `exactly one resource type
 * (...) must be set`, `` `--allow` or `--deny` must be set ... ``).
 */
import { errors } from '../errors.js';
import { ID_PATTERNS } from '../id-patterns.js';
import { maskSecretsInText } from '../mask-secrets.js';
import { principalOf } from '../principal.js';

export const KAFKA_RESOURCE_TYPES = ['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID'] as const;
export type KafkaResourceType = (typeof KAFKA_RESOURCE_TYPES)[number];

export const PATTERN_TYPES = ['LITERAL', 'PREFIXED'] as const;
export type PatternType = (typeof PATTERN_TYPES)[number];

export const ACL_PERMISSIONS = ['ALLOW', 'DENY'] as const;
export type AclPermission = (typeof ACL_PERMISSIONS)[number];

/** The operations a request can ask for: Kafka's AclOperation without UNKNOWN, ANY and ALL. */
export const KAFKA_OPERATIONS = [
  'READ',
  'WRITE',
  'CREATE',
  'DELETE',
  'ALTER',
  'DESCRIBE',
  'CLUSTER_ACTION',
  'DESCRIBE_CONFIGS',
  'ALTER_CONFIGS',
  'IDEMPOTENT_WRITE',
] as const;
export type KafkaOperation = (typeof KAFKA_OPERATIONS)[number];

/** The operations an ACL can name: any request operation, or ALL (which matches every operation). */
export const ACL_OPERATIONS = ['ALL', ...KAFKA_OPERATIONS] as const;
export type AclOperation = (typeof ACL_OPERATIONS)[number];

export const WILDCARD_PRINCIPAL = 'User:*';
export const WILDCARD_HOST = '*';
/** With the LITERAL pattern type, this name matches every resource of the ACL's type. */
export const WILDCARD_RESOURCE_NAME = '*';
/** The only name a CLUSTER resource has in Kafka (`Resource.CLUSTER_NAME`). */
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster';

/** Kafka's `AclEntry.supportedOperations` (GROUP includes the configs operations since KIP-848); ALL is valid on every type. */
export const SUPPORTED_OPERATIONS: Readonly<Record<KafkaResourceType, readonly KafkaOperation[]>> = {
  TOPIC: ['READ', 'WRITE', 'CREATE', 'DESCRIBE', 'DELETE', 'ALTER', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS'],
  GROUP: ['READ', 'DESCRIBE', 'DELETE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS'],
  CLUSTER: ['CREATE', 'CLUSTER_ACTION', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE', 'ALTER', 'DESCRIBE'],
  TRANSACTIONAL_ID: ['DESCRIBE', 'WRITE'],
};

/**
 * Operations whose ALLOW also allows another operation (`IMPLIES_DESCRIBE`, `IMPLIES_DESCRIBE_CONFIGS`
 * in StandardAuthorizerData). Keyed by the requested operation. A DENY never implies anything: a DENY
 * of READ does not deny DESCRIBE, and a DENY of DESCRIBE does not deny READ.
 */
export const ALLOW_IMPLIES: Readonly<Partial<Record<KafkaOperation, readonly KafkaOperation[]>>> = {
  DESCRIBE: ['READ', 'WRITE', 'DELETE', 'ALTER'],
  DESCRIBE_CONFIGS: ['ALTER_CONFIGS'],
};

export interface KafkaAcl {
  id?: string;
  cluster_id: string;
  principal: string;
  permission: AclPermission;
  operation: AclOperation;
  resource_type: KafkaResourceType;
  resource_name: string;
  pattern_type: PatternType;
  host: string;
}

/** One Kafka action to decide; the resource is always a concrete (literal) name, as in Kafka. */
export interface KafkaAccessRequest {
  principal: string;
  /** The client's address. When unknown, only `*`-host ALLOW ACLs apply, and DENY ACLs apply whatever their host. */
  host?: string;
  operation: KafkaOperation;
  clusterId: string;
  resourceType: KafkaResourceType;
  resourceName: string;
}

export function isKafkaOperation(value: string): value is KafkaOperation {
  return (KAFKA_OPERATIONS as readonly string[]).includes(value);
}

export function isKafkaResourceType(value: string): value is KafkaResourceType {
  return (KAFKA_RESOURCE_TYPES as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// Matching

/** Does the ACL's resource pattern cover this concrete resource of this cluster? */
export function aclCoversResource(
  acl: KafkaAcl,
  clusterId: string,
  resourceType: KafkaResourceType,
  resourceName: string,
): boolean {
  if (acl.cluster_id !== clusterId || acl.resource_type !== resourceType) return false;
  if (acl.pattern_type === 'PREFIXED') return resourceName.startsWith(acl.resource_name);
  return acl.resource_name === WILDCARD_RESOURCE_NAME || acl.resource_name === resourceName;
}

export function aclCoversPrincipal(acl: KafkaAcl, principal: string): boolean {
  return acl.principal === principal || acl.principal === WILDCARD_PRINCIPAL;
}

/** `*` matches every host. An unknown client host fails closed: it matches DENY ACLs but not host-bound ALLOW ACLs. */
export function aclCoversHost(acl: KafkaAcl, host: string | undefined): boolean {
  if (acl.host === WILDCARD_HOST) return true;
  if (host === undefined) return acl.permission === 'DENY';
  return acl.host === host;
}

/** ALL matches anything; an ALLOW ACL also covers the operations its operation implies; a DENY only its own. */
export function aclCoversOperation(acl: KafkaAcl, operation: KafkaOperation): boolean {
  if (acl.operation === 'ALL' || acl.operation === operation) return true;
  if (acl.permission !== 'ALLOW') return false;
  return (ALLOW_IMPLIES[operation] ?? []).includes(acl.operation);
}

/** Does this ACL apply to the request? (Whether it allows or denies is `acl.permission`.) */
export function aclMatches(acl: KafkaAcl, request: KafkaAccessRequest): boolean {
  return (
    aclCoversResource(acl, request.clusterId, request.resourceType, request.resourceName) &&
    aclCoversPrincipal(acl, request.principal) &&
    aclCoversHost(acl, request.host) &&
    aclCoversOperation(acl, request.operation)
  );
}

/** `TOPIC:orders (LITERAL)` */
export function describeAclResource(acl: Pick<KafkaAcl, 'resource_type' | 'resource_name' | 'pattern_type'>): string {
  return `${acl.resource_type}:${acl.resource_name} (${acl.pattern_type})`;
}

// ---------------------------------------------------------------------------------------------
// Parsing and validation

const normalizeEnumText = (value: string): string => value.trim().toUpperCase().replaceAll('-', '_');

/** One operation as the `confluent` CLI takes it: any case, `-` or `_` (`alter-configs`, `ALTER_CONFIGS`). */
export function parseOperation(value: string): AclOperation {
  const normalized = normalizeEnumText(value);
  if (!(ACL_OPERATIONS as readonly string[]).includes(normalized)) {
    throw errors.invalid(`invalid operation value: ${normalized}`);
  }
  return normalized as AclOperation;
}

/** `read,describe` → `['READ', 'DESCRIBE']` (duplicates dropped, order kept). */
export function parseOperations(list: string): AclOperation[] {
  const parts = list
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) throw errors.invalid('`--operations` must name at least one operation');
  return [...new Set(parts.map(parseOperation))];
}

export function parseKafkaResourceType(value: string): KafkaResourceType {
  const normalized = normalizeEnumText(value);
  if (!isKafkaResourceType(normalized)) {
    throw errors.invalid(`invalid resource type "${value}": valid resource types are ${KAFKA_RESOURCE_TYPES.join(', ')}`);
  }
  return normalized;
}

export function parsePatternType(value: string): PatternType {
  const normalized = normalizeEnumText(value);
  if (!(PATTERN_TYPES as readonly string[]).includes(normalized)) {
    throw errors.invalid(`invalid pattern type "${value}": valid pattern types are ${PATTERN_TYPES.join(', ')}`);
  }
  return normalized as PatternType;
}

export function parsePermission(value: string | undefined): AclPermission {
  if (value === undefined || value.trim() === '') {
    throw errors.invalid('`--allow` or `--deny` must be set when adding or deleting an ACL');
  }
  const normalized = normalizeEnumText(value);
  if (!(ACL_PERMISSIONS as readonly string[]).includes(normalized)) {
    throw errors.invalid(`invalid permission value: ${normalized}; valid values are ALLOW, DENY`);
  }
  return normalized as AclPermission;
}

const PRINCIPAL_PATTERN = /^User:[^\s:]+$/;

export function parsePrincipal(value: string | undefined): string {
  const principal = value?.trim() ?? '';
  if (!PRINCIPAL_PATTERN.test(principal)) {
    throw errors.invalid(
      `incorrect principal format specified: "${principal}"; a principal is "User:<id>", e.g. "User:sa-abc123", "User:u-abc123" or "User:*"`,
    );
  }
  return principal;
}

/** Loosely typed ACL fields, as they arrive from the HTTP API or the store. */
export interface AclInput {
  id?: string | undefined;
  cluster_id?: string | undefined;
  principal?: string | undefined;
  permission?: string | undefined;
  operation?: string | undefined;
  resource_type?: string | undefined;
  resource_name?: string | undefined;
  pattern_type?: string | undefined;
  host?: string | undefined;
}

/** Checks and normalizes one ACL; throws an `invalid_configuration` KeywardError naming the first problem. */
export function validateAcl(input: AclInput): KafkaAcl {
  const permission = parsePermission(input.permission);
  const principal = parsePrincipal(input.principal);
  if (input.operation === undefined || input.operation.trim() === '') {
    throw errors.invalid('an ACL needs an operation, e.g. `--operations read,describe`');
  }
  const operation = parseOperation(input.operation);
  if (input.resource_type === undefined || input.resource_type.trim() === '') {
    throw errors.invalid(`an ACL needs a resource type: one of ${KAFKA_RESOURCE_TYPES.join(', ')}`);
  }
  const resourceType = parseKafkaResourceType(input.resource_type);
  const patternType = parsePatternType(input.pattern_type ?? 'LITERAL');
  // A topic or group name is free text too: a keyward secret pasted into it is masked (DESIGN §9).
  const resourceName = maskSecretsInText(input.resource_name ?? (resourceType === 'CLUSTER' ? CLUSTER_RESOURCE_NAME : ''));

  if (resourceName === '') throw errors.invalid('resource name must not be empty');
  if (resourceType === 'CLUSTER') {
    if (resourceName !== CLUSTER_RESOURCE_NAME) {
      throw errors.invalid(`a CLUSTER ACL's resource name must be "${CLUSTER_RESOURCE_NAME}", not "${resourceName}"`);
    }
    if (patternType !== 'LITERAL') throw errors.invalid('a CLUSTER ACL must use the LITERAL pattern type');
  }
  if (patternType === 'PREFIXED' && resourceName === WILDCARD_RESOURCE_NAME) {
    throw errors.invalid(
      `a PREFIXED pattern cannot use the name "*": it would match only names starting with "*"; a LITERAL "*" matches every ${resourceType}`,
    );
  }
  if (operation !== 'ALL' && !SUPPORTED_OPERATIONS[resourceType].includes(operation)) {
    throw errors.invalid(
      `operation ${operation} is not valid for resource type ${resourceType}; valid operations are ALL, ${SUPPORTED_OPERATIONS[resourceType].join(', ')}`,
    );
  }

  const host = input.host === undefined || input.host.trim() === '' ? WILDCARD_HOST : input.host.trim();
  if (/\s/.test(host)) throw errors.invalid(`invalid host "${host}": use "*" or one IP address`);

  const clusterId = input.cluster_id?.trim() ?? '';
  if (clusterId === '') throw errors.invalid('an ACL needs a Kafka cluster: `--cluster lkc-...`');
  if (!ID_PATTERNS.kafkaCluster.test(clusterId)) {
    throw errors.invalid(`invalid Kafka cluster ID "${clusterId}": expected "lkc-" and 6 characters [a-z0-9]`);
  }

  const acl: KafkaAcl = {
    cluster_id: clusterId,
    principal,
    permission,
    operation,
    resource_type: resourceType,
    resource_name: resourceName,
    pattern_type: patternType,
    host,
  };
  if (input.id !== undefined) acl.id = input.id;
  return acl;
}

/** The flags of `keyward kafka acl create|delete`, shaped like the `confluent kafka acl` ones. */
export interface AclFlags {
  allow?: boolean;
  deny?: boolean;
  serviceAccount?: string;
  principal?: string;
  operations?: string;
  topic?: string;
  consumerGroup?: string;
  transactionalId?: string;
  clusterScope?: boolean;
  prefix?: boolean;
  cluster?: string;
  host?: string;
}

const RESOURCE_FLAGS = 'cluster-scope, consumer-group, topic, transactional-id';

/** Turns the CLI flags into one validated ACL per operation, with the `confluent` CLI's messages. */
export function aclsFromFlags(flags: AclFlags): KafkaAcl[] {
  if (flags.allow && flags.deny) {
    throw errors.invalid('only `--allow` or `--deny` may be set when adding or deleting an ACL');
  }
  const permission = flags.allow ? 'ALLOW' : flags.deny ? 'DENY' : undefined;

  const hasServiceAccount = flags.serviceAccount !== undefined && flags.serviceAccount !== '';
  const hasPrincipal = flags.principal !== undefined && flags.principal !== '';
  if (hasServiceAccount === hasPrincipal) throw errors.invalid('exactly one of `--service-account`, `--principal` must be set');
  if (hasServiceAccount && !flags.serviceAccount!.startsWith('sa-')) {
    throw errors.invalid('failed to parse service account id: ensure service account id begins with "sa-"');
  }
  const principal = hasServiceAccount ? principalOf(flags.serviceAccount ?? '') : flags.principal;

  const resources: Array<{ type: KafkaResourceType; name: string }> = [];
  if (flags.topic !== undefined) resources.push({ type: 'TOPIC', name: flags.topic });
  if (flags.consumerGroup !== undefined) resources.push({ type: 'GROUP', name: flags.consumerGroup });
  if (flags.transactionalId !== undefined) resources.push({ type: 'TRANSACTIONAL_ID', name: flags.transactionalId });
  if (flags.clusterScope) resources.push({ type: 'CLUSTER', name: CLUSTER_RESOURCE_NAME });
  const [resource, ...others] = resources;
  if (resource === undefined || others.length > 0) {
    throw errors.invalid(`exactly one resource type (${RESOURCE_FLAGS}) must be set`);
  }
  if (flags.prefix && resource.type === 'CLUSTER') throw errors.invalid('`--prefix` cannot be used with `--cluster-scope`');

  const operations = parseOperations(flags.operations ?? '');
  return operations.map((operation) =>
    validateAcl({
      cluster_id: flags.cluster,
      principal,
      permission,
      operation,
      resource_type: resource.type,
      resource_name: resource.name,
      pattern_type: flags.prefix ? 'PREFIXED' : 'LITERAL',
      host: flags.host,
    }),
  );
}
