import { describe, expect, it } from 'vitest';
import { KAFKA_OPERATIONS, type KafkaOperation } from './acl.js';
import {
  AUTHZ_RESOURCE_TYPES,
  MANAGEMENT_PERMISSIONS,
  ROLES,
  ROLE_NAMES,
  actionsGrantedBy,
  findRole,
  isAuthzAction,
  roleGrants,
  type AuthzAction,
  type AuthzResourceType,
  type RoleDefinition,
  type RoleName,
} from './roles.js';

function role(name: RoleName): RoleDefinition {
  const found = findRole(name);
  if (found === undefined) throw new Error(`role ${name} missing from the table`);
  return found;
}

const grants = (name: RoleName, action: AuthzAction, resourceType?: AuthzResourceType) => roleGrants(role(name), action, resourceType);

describe('the role table', () => {
  // DESIGN §5: role → scope.
  const designScopes: Record<RoleName, string> = {
    OrganizationAdmin: 'organization',
    AccountAdmin: 'organization',
    EnvironmentAdmin: 'environment',
    CloudClusterAdmin: 'cluster',
    ResourceOwner: 'resource',
    DeveloperManage: 'resource',
    DeveloperRead: 'resource',
    DeveloperWrite: 'resource',
    Operator: 'cluster',
    MetricsViewer: 'organization',
    KafkaBroker: 'cluster',
  };

  it('holds exactly the roles of DESIGN §5, once each, with their scopes', () => {
    expect(ROLES.map((entry) => entry.name).sort()).toEqual(Object.keys(designScopes).sort());
    for (const entry of ROLES) expect(entry.scope, entry.name).toBe(designScopes[entry.name]);
    expect(new Set(ROLE_NAMES).size).toBe(ROLES.length);
  });

  it('describes every role and names only known actions and resource types', () => {
    for (const entry of ROLES) {
      expect(entry.description.length, entry.name).toBeGreaterThan(0);
      for (const grant of entry.grants) {
        for (const action of grant.actions) expect(action === 'ALL' || isAuthzAction(action), `${entry.name}: ${action}`).toBe(true);
        for (const type of grant.resourceTypes ?? []) expect(AUTHZ_RESOURCE_TYPES).toContain(type);
      }
    }
  });

  it('lists bindable resource types exactly for resource-scoped roles', () => {
    for (const entry of ROLES) expect(entry.resourceTypes !== undefined, entry.name).toBe(entry.scope === 'resource');
    expect(role('ResourceOwner').resourceTypes).toEqual(expect.arrayContaining(['TOPIC', 'GROUP', 'TRANSACTIONAL_ID', 'SERVICE_ACCOUNT']));
    expect(role('DeveloperRead').resourceTypes).toEqual(expect.arrayContaining(['TOPIC', 'GROUP']));
    expect(role('DeveloperWrite').resourceTypes).toEqual(expect.arrayContaining(['TOPIC', 'TRANSACTIONAL_ID']));
  });
});

describe('findRole', () => {
  it('finds canonical names only (case-sensitive)', () => {
    expect(findRole('DeveloperRead')?.name).toBe('DeveloperRead');
    expect(findRole('developerread')).toBeUndefined();
    expect(findRole('DEVELOPERREAD')).toBeUndefined();
    expect(findRole('SuperUser')).toBeUndefined();
    expect(findRole('')).toBeUndefined();
  });
});

describe('roleGrants', () => {
  it('DeveloperRead: READ and DESCRIBE on topics and groups, nothing else', () => {
    for (const type of ['TOPIC', 'GROUP'] as const) {
      expect(grants('DeveloperRead', 'READ', type)).toBe(true);
      expect(grants('DeveloperRead', 'DESCRIBE', type)).toBe(true);
      expect(grants('DeveloperRead', 'WRITE', type)).toBe(false);
      expect(grants('DeveloperRead', 'DELETE', type)).toBe(false);
    }
    expect(grants('DeveloperRead', 'READ', 'TRANSACTIONAL_ID')).toBe(false);
    expect(grants('DeveloperRead', 'READ', 'CLUSTER')).toBe(false);
    expect(grants('DeveloperRead', 'READ')).toBe(false);
    expect(grants('DeveloperRead', 'api-key:manage', 'TOPIC')).toBe(false);
  });

  it('DeveloperWrite: WRITE, DESCRIBE, IDEMPOTENT_WRITE on topics and transactional ids', () => {
    for (const type of ['TOPIC', 'TRANSACTIONAL_ID'] as const) {
      for (const operation of ['WRITE', 'DESCRIBE', 'IDEMPOTENT_WRITE'] as const) expect(grants('DeveloperWrite', operation, type)).toBe(true);
      expect(grants('DeveloperWrite', 'READ', type)).toBe(false);
    }
    expect(grants('DeveloperWrite', 'WRITE', 'GROUP')).toBe(false);
  });

  it('DeveloperManage: describe, create, delete and configs, but no data access', () => {
    for (const operation of ['DESCRIBE', 'CREATE', 'DELETE', 'ALTER_CONFIGS', 'DESCRIBE_CONFIGS'] as const) {
      expect(grants('DeveloperManage', operation, 'TOPIC')).toBe(true);
    }
    for (const operation of ['READ', 'WRITE', 'ALTER'] as const) expect(grants('DeveloperManage', operation, 'TOPIC')).toBe(false);
  });

  it('ResourceOwner: every operation on its resource; on a service account, its keys', () => {
    for (const operation of KAFKA_OPERATIONS) expect(grants('ResourceOwner', operation, 'TOPIC')).toBe(true);
    expect(grants('ResourceOwner', 'api-key:manage', 'SERVICE_ACCOUNT')).toBe(true);
    expect(grants('ResourceOwner', 'api-key:manage', 'TOPIC')).toBe(false);
    expect(grants('ResourceOwner', 'READ', 'SERVICE_ACCOUNT')).toBe(false);
    expect(grants('ResourceOwner', 'service-account:manage', 'SERVICE_ACCOUNT')).toBe(false);
    expect(grants('ResourceOwner', 'cluster:manage', 'TOPIC')).toBe(false);
  });

  it('CloudClusterAdmin: the cluster, its keys and ACLs, and all data operations', () => {
    for (const action of ['cluster:manage', 'api-key:manage', 'acl:manage', ...KAFKA_OPERATIONS] as const) {
      expect(grants('CloudClusterAdmin', action, 'TOPIC'), action).toBe(true);
    }
    for (const action of ['environment:manage', 'user:manage', 'service-account:manage', 'role-binding:manage', 'policy:manage'] as const) {
      expect(grants('CloudClusterAdmin', action), action).toBe(false);
    }
  });

  it('Operator: describe only', () => {
    expect(grants('Operator', 'DESCRIBE', 'CLUSTER')).toBe(true);
    expect(grants('Operator', 'DESCRIBE', 'TOPIC')).toBe(true);
    expect(grants('Operator', 'cluster:read')).toBe(true);
    for (const operation of ['READ', 'WRITE', 'ALTER', 'DESCRIBE_CONFIGS'] as const) expect(grants('Operator', operation, 'CLUSTER')).toBe(false);
    expect(grants('Operator', 'cluster:manage')).toBe(false);
  });

  it('MetricsViewer: metrics and the advisor, nothing else', () => {
    expect(actionsGrantedBy(role('MetricsViewer')).sort()).toEqual(['advisor:read', 'metrics:read']);
    expect(actionsGrantedBy(role('MetricsViewer'), 'TOPIC').sort()).toEqual(['advisor:read', 'metrics:read']);
  });

  it('EnvironmentAdmin: everything inside the environment, incl. keys and role bindings, but not organization matters', () => {
    for (const action of ['environment:manage', 'cluster:manage', 'api-key:manage', 'role-binding:manage', 'acl:manage', 'READ', 'WRITE'] as const) {
      expect(grants('EnvironmentAdmin', action, 'TOPIC'), action).toBe(true);
    }
    for (const action of ['user:manage', 'service-account:manage', 'policy:manage', 'audit:read'] as const) {
      expect(grants('EnvironmentAdmin', action), action).toBe(false);
    }
  });

  it('AccountAdmin: users, service accounts and their keys only', () => {
    for (const action of ['user:manage', 'user:read', 'service-account:manage', 'api-key:manage'] as const) {
      expect(grants('AccountAdmin', action), action).toBe(true);
    }
    for (const action of ['READ', 'cluster:manage', 'role-binding:manage', 'policy:manage'] as const) {
      expect(grants('AccountAdmin', action, 'TOPIC'), action).toBe(false);
    }
  });

  it('OrganizationAdmin: every action on every resource type', () => {
    const everyAction: AuthzAction[] = [...MANAGEMENT_PERMISSIONS, ...KAFKA_OPERATIONS];
    for (const action of everyAction) {
      expect(grants('OrganizationAdmin', action), action).toBe(true);
      for (const type of AUTHZ_RESOURCE_TYPES) expect(grants('OrganizationAdmin', action, type)).toBe(true);
    }
  });

  it('KafkaBroker: the broker permission and every data operation; no management permission', () => {
    expect(grants('KafkaBroker', 'kafka-replica:sync')).toBe(true);
    for (const operation of KAFKA_OPERATIONS) expect(grants('KafkaBroker', operation, 'TOPIC'), operation).toBe(true);
    for (const permission of MANAGEMENT_PERMISSIONS) expect(grants('KafkaBroker', permission), permission).toBe(false);
  });

  it('the broker permission belongs to KafkaBroker alone: OrganizationAdmin does not hold it', () => {
    for (const entry of ROLES) expect(roleGrants(entry, 'kafka-replica:sync'), entry.name).toBe(entry.name === 'KafkaBroker');
    for (const entry of ROLES) for (const type of AUTHZ_RESOURCE_TYPES) expect(roleGrants(entry, 'kafka-replica:sync', type), entry.name).toBe(entry.name === 'KafkaBroker');
  });

  it('ALL in a grant covers data operations only, never management permissions', () => {
    const owner = role('ResourceOwner');
    const onTopic = actionsGrantedBy(owner, 'TOPIC');
    const dataOperations = onTopic.filter((action): action is KafkaOperation => (KAFKA_OPERATIONS as readonly string[]).includes(action));
    expect(dataOperations).toEqual([...KAFKA_OPERATIONS]);
    expect(onTopic.filter((action) => action.includes(':')).sort()).toEqual(['role-binding:manage', 'role-binding:read']);
  });
});
