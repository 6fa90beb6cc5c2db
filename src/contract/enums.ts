/**
 * Every enumerated value the server, the CLI (and the console) share: the one definition each of them
 * imports, so a value is never restated. Arrays are `as const` and each has its type beside it.
 *
 * The authorization vocabularies stay data in the domain (`domain/authz/roles.ts`, `domain/authz/acl.ts`,
 * `domain/authz/crn-pattern.ts`, `domain/advisor/severity.ts`) and are re-exported here.
 */
export { ROLE_NAMES, type RoleName } from '../domain/authz/roles.js';
export {
  ACL_OPERATIONS,
  ACL_PERMISSIONS,
  KAFKA_OPERATIONS,
  KAFKA_RESOURCE_TYPES,
  PATTERN_TYPES,
  type AclOperation,
  type AclPermission,
  type KafkaOperation,
  type KafkaResourceType,
  type PatternType,
} from '../domain/authz/acl.js';
export { SEVERITIES, type Severity } from '../domain/advisor/severity.js';
import { BINDING_RESOURCE_TYPES } from '../domain/authz/crn-pattern.js';
export { USAGE_BUCKET_NAMES, USAGE_OUTCOMES, type UsageBucket, type UsageOutcome } from '../domain/usage.js';

/** Environment stages (DESIGN §1); `development` is the default. */
export const STAGES = ['production', 'staging', 'development'] as const;
export type Stage = (typeof STAGES)[number];
export const DEFAULT_STAGE: Stage = 'development';

/** Cloud providers of Kafka and Schema Registry clusters (`--cloud`). */
export const PROVIDERS = ['aws', 'gcp', 'azure', 'self-managed'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Kafka cluster types (`--type`); `basic` is the default. */
export const CLUSTER_TYPES = ['basic', 'standard', 'enterprise', 'dedicated'] as const;
export type ClusterType = (typeof CLUSTER_TYPES)[number];
export const DEFAULT_CLUSTER_TYPE: ClusterType = 'basic';

/** Kafka cluster availabilities (`--availability`); `single-zone` is the default. */
export const AVAILABILITIES = ['single-zone', 'multi-zone'] as const;
export type Availability = (typeof AVAILABILITIES)[number];
export const DEFAULT_AVAILABILITY: Availability = 'single-zone';

/** An API key's effective state, and the values of `api-key list --status`. */
export const API_KEY_STATES = ['active', 'disabled', 'expired'] as const;
export type ApiKeyState = (typeof API_KEY_STATES)[number];

/** The stored status of an API key or a service account. */
export const STATUSES = ['ACTIVE', 'DISABLED'] as const;
export type Status = (typeof STATUSES)[number];

/** The `--resource` types of `iam rbac role-binding create`, as typed on the command line (`Topic:orders`). */
export const BINDING_RESOURCE_TYPE_NAMES = BINDING_RESOURCE_TYPES.map((entry) => entry.flag);
export type BindingResourceTypeName = (typeof BINDING_RESOURCE_TYPES)[number]['flag'];

/** Audit event types (DESIGN §4): the short name of a filter and the CloudEvents `type`. */
export const AUDIT_TYPES = {
  authentication: 'io.keyward.authentication',
  authorization: 'io.keyward.authorization',
  management: 'io.keyward.management',
} as const;
export type AuditTypeName = keyof typeof AUDIT_TYPES;
export type AuditType = (typeof AUDIT_TYPES)[AuditTypeName];
export const AUDIT_TYPE_NAMES = Object.keys(AUDIT_TYPES) as AuditTypeName[];

/** Audit results as a filter (`audit-log list --result`). */
export const AUDIT_RESULTS = ['success', 'failure'] as const;
export type AuditResultName = (typeof AUDIT_RESULTS)[number];

/** The `status` an audit event records. */
export const AUDIT_STATUSES = ['SUCCESS', 'UNAUTHENTICATED', 'UNAUTHORIZED', 'FAILURE'] as const;
export type AuditStatus = (typeof AUDIT_STATUSES)[number];

/** `-o, --output` of every command that shows data. */
export const OUTPUT_FORMATS = ['human', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** True when `value` is one of `values`: narrows a string to the enum's type. */
export function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}
