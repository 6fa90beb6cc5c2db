/**
 * The roles of DESIGN §5, as data. Code never branches on a role's name: it asks `roleGrants`.
 *
 * A role grants *actions*: management permissions (`noun:verb`, checked by the management API) and Kafka
 * data operations (checked by the data plane). Where a grant names resource types, it applies only to
 * resources of those types inside the binding's scope; otherwise it applies to everything in scope.
 */
import { KAFKA_OPERATIONS, isKafkaOperation, type KafkaOperation } from './acl.js';

export const MANAGEMENT_PERMISSIONS = [
  'environment:read',
  'environment:manage',
  'cluster:read',
  'cluster:manage',
  'user:read',
  'user:manage',
  'service-account:read',
  'service-account:manage',
  /** The API keys owned by the principal in scope, or issued for the resource in scope. */
  'api-key:read',
  'api-key:manage',
  'role-binding:read',
  'role-binding:manage',
  'acl:read',
  'acl:manage',
  'audit:read',
  'advisor:read',
  'metrics:read',
  'policy:read',
  'policy:manage',
  /** Rotating the OAuth token signing key. */
  'signing-key:manage',
] as const;
export type ManagementPermission = (typeof MANAGEMENT_PERMISSIONS)[number];

/**
 * What only a Kafka broker's own credential may do (DESIGN §8): read its cluster's replica (secret hashes
 * included) and change stream, and post its events. No other role grants them, OrganizationAdmin neither:
 * an administrator's key is not a broker's.
 */
export const BROKER_PERMISSIONS = ['kafka-replica:sync'] as const;
export type BrokerPermission = (typeof BROKER_PERMISSIONS)[number];

/** What a request asks to do: a management permission, a broker permission or a Kafka data operation. */
export type AuthzAction = ManagementPermission | BrokerPermission | KafkaOperation;

/** In a grant, `ALL` stands for every Kafka data operation (as in Kafka ACLs); it never covers management permissions. */
export type GrantedAction = AuthzAction | 'ALL';

/** The kinds of resource a request or a grant can be about (Kafka's names, plus schema subjects and service accounts). */
export const AUTHZ_RESOURCE_TYPES = ['CLUSTER', 'TOPIC', 'GROUP', 'TRANSACTIONAL_ID', 'SUBJECT', 'SERVICE_ACCOUNT'] as const;
export type AuthzResourceType = (typeof AUTHZ_RESOURCE_TYPES)[number];

export const ROLE_SCOPES = ['organization', 'environment', 'cluster', 'resource'] as const;
export type RoleScope = (typeof ROLE_SCOPES)[number];

export interface RoleGrant {
  /** When present, the grant applies only to resources of these types. */
  resourceTypes?: readonly AuthzResourceType[];
  actions: readonly GrantedAction[];
}

export interface RoleDefinition {
  name: RoleName;
  scope: RoleScope;
  /** What the role may do, in the words of DESIGN §5. */
  description: string;
  /** For resource-scoped roles: the resource types a binding of this role may name (`--resource Type:name`). */
  resourceTypes?: readonly AuthzResourceType[];
  grants: readonly RoleGrant[];
}

export const ROLE_NAMES = [
  'OrganizationAdmin',
  'AccountAdmin',
  'EnvironmentAdmin',
  'CloudClusterAdmin',
  'ResourceOwner',
  'DeveloperManage',
  'DeveloperRead',
  'DeveloperWrite',
  'Operator',
  'MetricsViewer',
  'KafkaBroker',
] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

const readAndManage = <Noun extends string>(noun: Noun) => [`${noun}:read`, `${noun}:manage`] as const;

/** Kafka resources that live inside a cluster and may carry resource-scoped roles. */
const KAFKA_LEAF_RESOURCES = ['TOPIC', 'GROUP', 'TRANSACTIONAL_ID', 'SUBJECT'] as const;

export const ROLES: readonly RoleDefinition[] = [
  {
    name: 'OrganizationAdmin',
    scope: 'organization',
    description: 'everything',
    grants: [{ actions: ['ALL', ...MANAGEMENT_PERMISSIONS] }],
  },
  {
    name: 'AccountAdmin',
    scope: 'organization',
    description: 'manage users and service accounts and their keys',
    grants: [{ actions: [...readAndManage('user'), ...readAndManage('service-account'), ...readAndManage('api-key')] }],
  },
  {
    name: 'EnvironmentAdmin',
    scope: 'environment',
    description: 'everything inside the environment, incl. its keys and role bindings',
    grants: [
      {
        actions: [
          'ALL',
          ...readAndManage('environment'),
          ...readAndManage('cluster'),
          ...readAndManage('api-key'),
          ...readAndManage('role-binding'),
          ...readAndManage('acl'),
        ],
      },
    ],
  },
  {
    name: 'CloudClusterAdmin',
    scope: 'cluster',
    description: 'manage the cluster, its keys and ACLs; all data operations on it',
    grants: [
      {
        actions: ['ALL', ...readAndManage('cluster'), ...readAndManage('api-key'), ...readAndManage('acl'), 'role-binding:read'],
      },
    ],
  },
  {
    name: 'ResourceOwner',
    scope: 'resource',
    description: 'all operations on that resource; on a service account: manage its keys',
    resourceTypes: [...KAFKA_LEAF_RESOURCES, 'SERVICE_ACCOUNT'],
    grants: [
      { resourceTypes: KAFKA_LEAF_RESOURCES, actions: ['ALL', ...readAndManage('role-binding')] },
      {
        resourceTypes: ['SERVICE_ACCOUNT'],
        actions: ['service-account:read', ...readAndManage('api-key'), ...readAndManage('role-binding')],
      },
    ],
  },
  {
    name: 'DeveloperManage',
    scope: 'resource',
    description: 'describe, create, delete, alter configs',
    resourceTypes: ['TOPIC', 'GROUP', 'SUBJECT'],
    grants: [
      {
        resourceTypes: ['TOPIC', 'GROUP', 'SUBJECT'],
        actions: ['DESCRIBE', 'CREATE', 'DELETE', 'ALTER_CONFIGS', 'DESCRIBE_CONFIGS'],
      },
    ],
  },
  {
    name: 'DeveloperRead',
    scope: 'resource',
    description: 'read, describe',
    resourceTypes: ['TOPIC', 'GROUP', 'SUBJECT'],
    grants: [{ resourceTypes: ['TOPIC', 'GROUP', 'SUBJECT'], actions: ['READ', 'DESCRIBE'] }],
  },
  {
    name: 'DeveloperWrite',
    scope: 'resource',
    description: 'write, describe, idempotent write',
    resourceTypes: ['TOPIC', 'TRANSACTIONAL_ID', 'SUBJECT'],
    grants: [
      { resourceTypes: ['TOPIC', 'TRANSACTIONAL_ID', 'SUBJECT'], actions: ['WRITE', 'DESCRIBE', 'IDEMPOTENT_WRITE'] },
    ],
  },
  {
    name: 'Operator',
    scope: 'cluster',
    description: 'describe',
    grants: [{ actions: ['DESCRIBE', 'cluster:read'] }],
  },
  {
    name: 'MetricsViewer',
    scope: 'organization',
    description: 'read `/metrics` and the advisor',
    grants: [{ actions: ['metrics:read', 'advisor:read'] }],
  },
  {
    name: 'KafkaBroker',
    scope: 'cluster',
    description: "read the cluster's replica and change stream, post its events (§8); ALL operations on the cluster at the broker",
    grants: [{ actions: ['ALL', ...BROKER_PERMISSIONS] }],
  },
];

const ROLES_BY_NAME: ReadonlyMap<string, RoleDefinition> = new Map(ROLES.map((role) => [role.name, role]));

/** The role with this canonical (case-sensitive) name, or undefined. */
export function findRole(name: string): RoleDefinition | undefined {
  return ROLES_BY_NAME.get(name);
}

export function isManagementPermission(value: string): value is ManagementPermission {
  return (MANAGEMENT_PERMISSIONS as readonly string[]).includes(value);
}

export function isBrokerPermission(value: string): value is BrokerPermission {
  return (BROKER_PERMISSIONS as readonly string[]).includes(value);
}

export function isAuthzAction(value: string): value is AuthzAction {
  return isManagementPermission(value) || isBrokerPermission(value) || isKafkaOperation(value);
}

function grantCoversAction(grant: RoleGrant, action: AuthzAction): boolean {
  if (grant.actions.includes(action)) return true;
  return isKafkaOperation(action) && grant.actions.includes('ALL');
}

function grantCoversResourceType(grant: RoleGrant, resourceType: AuthzResourceType | undefined): boolean {
  if (grant.resourceTypes === undefined) return true;
  return resourceType !== undefined && grant.resourceTypes.includes(resourceType);
}

/**
 * Does the role allow this action on a resource of this type (inside the binding's scope)?
 * Without a resource type, only grants that are not limited to resource types count.
 */
export function roleGrants(role: RoleDefinition, action: AuthzAction, resourceType?: AuthzResourceType): boolean {
  return role.grants.some((grant) => grantCoversAction(grant, action) && grantCoversResourceType(grant, resourceType));
}

/** Every action the role grants on a resource of this type, `ALL` expanded: for `iam rbac role describe`. */
export function actionsGrantedBy(role: RoleDefinition, resourceType?: AuthzResourceType): AuthzAction[] {
  const candidates: readonly AuthzAction[] = [...MANAGEMENT_PERMISSIONS, ...BROKER_PERMISSIONS, ...KAFKA_OPERATIONS];
  return candidates.filter((action) => roleGrants(role, action, resourceType));
}
