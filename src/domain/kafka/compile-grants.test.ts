import { describe, expect, it } from 'vitest';
import { ALLOW_IMPLIES, KAFKA_RESOURCE_TYPES, type KafkaAcl, type KafkaOperation } from '../authz/acl.js';
import type { RoleBinding } from '../authz/decision.js';
import { ROLES, roleGrants } from '../authz/roles.js';
import { compileGrants, kafkaOperationsOfRole, type ReplicaGrant } from './compile-grants.js';

const ORG = '0b7c5d2e-1111-4222-8333-944445555666';
const ENV = 'env-aaaaaa';
const CLUSTER = 'lkc-aaaaaa';
const CLUSTER_CRN = `crn://keyward/organization=${ORG}/environment=${ENV}/cloud-cluster=${CLUSTER}`;
const KAFKA_CRN = `${CLUSTER_CRN}/kafka=${CLUSTER}`;

function binding(role_name: string, crn_pattern: string, principal = 'User:sa-aaaaaa'): RoleBinding {
  return { id: 'rb-aaaaaa', principal, role_name, crn_pattern };
}

function compileBindings(...roleBindings: RoleBinding[]): ReplicaGrant[] {
  return compileGrants({ organizationId: ORG, environmentId: ENV, clusterId: CLUSTER, acls: [], roleBindings });
}

/** resource type, pattern type, name, operations: the part of a grant that varies between these tests. */
const shape = (grants: ReplicaGrant[]) => grants.map((g) => [g.resource_type, g.pattern_type, g.name, g.operations.join(',')]);

describe('compileGrants', () => {
  it('turns each ACL of the cluster into one grant, and ignores other clusters’ ACLs', () => {
    const acl: KafkaAcl = {
      id: 'acl-1', cluster_id: CLUSTER, principal: 'User:*', permission: 'DENY', operation: 'READ',
      resource_type: 'TOPIC', resource_name: 'ord', pattern_type: 'PREFIXED', host: '10.0.0.1',
    };
    const other: KafkaAcl = { ...acl, id: 'acl-2', cluster_id: 'lkc-bbbbbb' };
    const grants = compileGrants({ organizationId: ORG, environmentId: ENV, clusterId: CLUSTER, acls: [acl, other], roleBindings: [] });
    expect(grants).toEqual([
      {
        principal: 'User:*', permission: 'DENY', operations: ['READ'], resource_type: 'TOPIC', pattern_type: 'PREFIXED',
        name: 'ord', host: '10.0.0.1', source: { kind: 'acl', id: 'acl-1', role: null },
      },
    ]);
  });

  it('compiles a cluster-wide role into one grant per resource type, ALL where the role grants everything', () => {
    const grants = compileBindings(binding('CloudClusterAdmin', CLUSTER_CRN));
    expect(shape(grants)).toEqual([
      ['TOPIC', 'LITERAL', '*', 'ALL'],
      ['GROUP', 'LITERAL', '*', 'ALL'],
      ['CLUSTER', 'LITERAL', 'kafka-cluster', 'ALL'],
      ['TRANSACTIONAL_ID', 'LITERAL', '*', 'ALL'],
    ]);
    expect(grants[0]).toMatchObject({ principal: 'User:sa-aaaaaa', permission: 'ALLOW', host: '*', source: { kind: 'role-binding', id: 'rb-aaaaaa', role: 'CloudClusterAdmin' } });
  });

  it('treats organization, environment, cluster and kafka level patterns and prefixes covering the cluster alike', () => {
    for (const pattern of [
      `crn://keyward/organization=${ORG}`,
      `crn://keyward/organization=${ORG}/environment=${ENV}`,
      CLUSTER_CRN,
      KAFKA_CRN,
      `crn://keyward/organization=${ORG}/environment=env-*`,
      `crn://keyward/organization=${ORG}/environment=${ENV}/cloud-cluster=lkc-a*`,
      `${CLUSTER_CRN}/kafka=*`,
      'crn://keyward/organization=*',
    ]) {
      expect(shape(compileBindings(binding('Operator', pattern))), pattern).toEqual([
        ['TOPIC', 'LITERAL', '*', 'DESCRIBE'],
        ['GROUP', 'LITERAL', '*', 'DESCRIBE'],
        ['CLUSTER', 'LITERAL', 'kafka-cluster', 'DESCRIBE'],
        ['TRANSACTIONAL_ID', 'LITERAL', '*', 'DESCRIBE'],
      ]);
    }
  });

  it('compiles leaves into LITERAL and PREFIXED grants of their own type; an empty prefix is LITERAL *', () => {
    expect(shape(compileBindings(binding('DeveloperRead', `${KAFKA_CRN}/topic=orders`)))).toEqual([['TOPIC', 'LITERAL', 'orders', 'READ,DESCRIBE']]);
    expect(shape(compileBindings(binding('DeveloperRead', `${KAFKA_CRN}/group=ord*`)))).toEqual([['GROUP', 'PREFIXED', 'ord', 'READ,DESCRIBE']]);
    expect(shape(compileBindings(binding('DeveloperWrite', `${KAFKA_CRN}/transactional-id=*`)))).toEqual([
      ['TRANSACTIONAL_ID', 'LITERAL', '*', 'WRITE,DESCRIBE,IDEMPOTENT_WRITE'],
    ]);
    expect(shape(compileBindings(binding('ResourceOwner', `${KAFKA_CRN}/topic=orders`)))).toEqual([['TOPIC', 'LITERAL', 'orders', 'ALL']]);
  });

  it('compiles nothing for patterns that do not touch the cluster, roles without Kafka operations, and malformed bindings', () => {
    const grants = compileBindings(
      binding('CloudClusterAdmin', `crn://keyward/organization=${ORG}/environment=env-bbbbbb/cloud-cluster=${CLUSTER}`),
      binding('CloudClusterAdmin', `crn://keyward/organization=${ORG}/environment=${ENV}/cloud-cluster=lkc-aaaaaab`),
      binding('CloudClusterAdmin', `crn://keyward/organization=other/environment=${ENV}/cloud-cluster=${CLUSTER}`),
      binding('EnvironmentAdmin', `crn://keyward/organization=${ORG}/environment=env-b*`),
      binding('DeveloperRead', `${CLUSTER_CRN}/topic=orders`),
      binding('DeveloperRead', `crn://keyward/organization=${ORG}/environment=${ENV}/schema-registry=lsrc-aaaaaa/subject=orders`),
      binding('DeveloperRead', `${KAFKA_CRN}/schema-registry=lsrc-aaaaaa/subject=orders`),
      binding('ResourceOwner', `crn://keyward/organization=${ORG}/service-account=sa-aaaaaa`),
      binding('MetricsViewer', `crn://keyward/organization=${ORG}`),
      binding('AccountAdmin', `crn://keyward/organization=${ORG}`),
      binding('NoSuchRole', CLUSTER_CRN),
      binding('OrganizationAdmin', 'not a crn'),
      binding('OrganizationAdmin', `crn://keyward/organization=${ORG}`, 'User:*'),
    );
    expect(grants).toEqual([]);
  });

  it('a resource-only role on a pattern covering the cluster grants on its resource types but not on CLUSTER', () => {
    expect(shape(compileBindings(binding('DeveloperRead', KAFKA_CRN)))).toEqual([
      ['TOPIC', 'LITERAL', '*', 'READ,DESCRIBE'],
      ['GROUP', 'LITERAL', '*', 'READ,DESCRIBE'],
    ]);
  });
});

describe('the roles table, compiled', () => {
  // Kafka's ALLOW grants imply DESCRIBE (by READ, WRITE, DELETE, ALTER) and DESCRIBE_CONFIGS (by ALTER_CONFIGS);
  // keyward's roles do not. A role granting an implying operation without the implied one would grant more at the
  // broker than in keyward, so every role must already be closed under Kafka's implications.
  it('every role’s Kafka operations on every resource type are closed under Kafka’s implied operations', () => {
    for (const role of ROLES) {
      for (const resourceType of KAFKA_RESOURCE_TYPES) {
        for (const [implied, by] of Object.entries(ALLOW_IMPLIES)) {
          if (by.some((operation) => roleGrants(role, operation, resourceType))) {
            expect(roleGrants(role, implied as KafkaOperation, resourceType), `${role.name} on ${resourceType}: ${implied}`).toBe(true);
          }
        }
      }
    }
  });

  it('names ALL only for roles granting every Kafka operation', () => {
    expect(kafkaOperationsOfRole(ROLES.find((r) => r.name === 'OrganizationAdmin')!, 'CLUSTER')).toEqual(['ALL']);
    expect(kafkaOperationsOfRole(ROLES.find((r) => r.name === 'DeveloperManage')!, 'TOPIC')).toEqual(['CREATE', 'DELETE', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS']);
  });
});
