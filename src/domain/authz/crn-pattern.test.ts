import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCrn, crnMatches, type CrnParts } from '../crn.js';
import {
  buildRoleBindingCrnPattern,
  crnPatternMatches,
  kafkaResourceCrn,
  parseCrn,
  resourceTypeOfCrn,
  tryParseCrn,
  type RoleBindingScope,
} from './crn-pattern.js';

const ORG = '6f1c2a1e-0b0e-4c55-9a43-1d2f3e4a5b6c';
const ORG_CRN = `crn://keyward/organization=${ORG}`;
const ENV_CRN = `${ORG_CRN}/environment=env-x`;
const CLUSTER_CRN = `${ENV_CRN}/cloud-cluster=lkc-x/kafka=lkc-x`;

const scope = (fields: Partial<RoleBindingScope>): RoleBindingScope => ({ organization: ORG, ...fields });
const kafkaScope = { environment: 'env-x', cloudCluster: 'lkc-x', kafkaCluster: 'lkc-x' };

describe('buildRoleBindingCrnPattern', () => {
  it('builds the DESIGN §1 example for a topic', () => {
    expect(buildRoleBindingCrnPattern('DeveloperRead', scope({ ...kafkaScope, resource: 'Topic:orders' }))).toBe(
      `crn://keyward/organization=${ORG}/environment=env-x/cloud-cluster=lkc-x/kafka=lkc-x/topic=orders`,
    );
  });

  it('appends * to the leaf name with --prefix', () => {
    expect(buildRoleBindingCrnPattern('DeveloperWrite', scope({ ...kafkaScope, resource: 'Topic:orders-', prefix: true }))).toBe(
      `${CLUSTER_CRN}/topic=orders-*`,
    );
  });

  it('builds the other leaves of DESIGN §1', () => {
    expect(buildRoleBindingCrnPattern('DeveloperRead', scope({ ...kafkaScope, resource: 'Group:g' }))).toBe(`${CLUSTER_CRN}/group=g`);
    expect(buildRoleBindingCrnPattern('DeveloperWrite', scope({ ...kafkaScope, resource: 'TransactionalId:tx' }))).toBe(
      `${CLUSTER_CRN}/transactional-id=tx`,
    );
    expect(
      buildRoleBindingCrnPattern('ResourceOwner', scope({ environment: 'env-x', schemaRegistryCluster: 'lsrc-x', resource: 'Subject:orders-value' })),
    ).toBe(`${ENV_CRN}/schema-registry=lsrc-x/subject=orders-value`);
    expect(buildRoleBindingCrnPattern('ResourceOwner', scope({ resource: 'ServiceAccount:sa-abc123' }))).toBe(
      `${ORG_CRN}/service-account=sa-abc123`,
    );
  });

  it('accepts either cluster flag for Kafka resources, and the resource type in any case', () => {
    const expected = `${CLUSTER_CRN}/topic=orders`;
    expect(buildRoleBindingCrnPattern('DeveloperRead', scope({ environment: 'env-x', kafkaCluster: 'lkc-x', resource: 'Topic:orders' }))).toBe(expected);
    expect(buildRoleBindingCrnPattern('DeveloperRead', scope({ environment: 'env-x', cloudCluster: 'lkc-x', resource: 'topic:orders' }))).toBe(expected);
  });

  it('builds organization, environment and cluster scopes', () => {
    expect(buildRoleBindingCrnPattern('OrganizationAdmin', scope({}))).toBe(ORG_CRN);
    expect(buildRoleBindingCrnPattern('MetricsViewer', scope({}))).toBe(ORG_CRN);
    expect(buildRoleBindingCrnPattern('EnvironmentAdmin', scope({ environment: 'env-x' }))).toBe(ENV_CRN);
    expect(buildRoleBindingCrnPattern('CloudClusterAdmin', scope({ environment: 'env-x', cloudCluster: 'lkc-x' }))).toBe(
      `${ENV_CRN}/cloud-cluster=lkc-x`,
    );
  });

  it('needs --cloud-cluster and --environment for CloudClusterAdmin (DESIGN §2)', () => {
    expect(() => buildRoleBindingCrnPattern('CloudClusterAdmin', scope({ environment: 'env-x' }))).toThrow(
      'must specify `--cloud-cluster` to indicate role binding scope',
    );
    expect(() => buildRoleBindingCrnPattern('CloudClusterAdmin', scope({ cloudCluster: 'lkc-x' }))).toThrow(
      'must specify `--environment` to indicate role binding scope',
    );
  });

  it('needs a resource for resource-scoped roles, of a type the role accepts', () => {
    expect(() => buildRoleBindingCrnPattern('DeveloperRead', scope(kafkaScope))).toThrow(/specify `--resource Type:name`/);
    expect(() => buildRoleBindingCrnPattern('DeveloperRead', scope({ resource: 'ServiceAccount:sa-abc123' }))).toThrow(
      'role DeveloperRead cannot be bound to a ServiceAccount; its resource types are Topic, Group, Subject',
    );
    expect(() => buildRoleBindingCrnPattern('DeveloperWrite', scope({ ...kafkaScope, resource: 'Group:g' }))).toThrow(/cannot be bound to a Group/);
  });

  it('refuses an unknown resource type, listing the valid ones', () => {
    expect(() => buildRoleBindingCrnPattern('ResourceOwner', scope({ ...kafkaScope, resource: 'Queue:jobs' }))).toThrow(
      'invalid resource type "Queue": the available resource types are Topic, Group, TransactionalId, Subject, ServiceAccount',
    );
    expect(() => buildRoleBindingCrnPattern('ResourceOwner', scope({ ...kafkaScope, resource: 'orders' }))).toThrow(/incorrect resource format/);
  });

  it('refuses --prefix without --resource, and on a service account', () => {
    expect(() => buildRoleBindingCrnPattern('CloudClusterAdmin', scope({ environment: 'env-x', cloudCluster: 'lkc-x', prefix: true }))).toThrow(
      '`--prefix` requires `--resource`',
    );
    expect(() => buildRoleBindingCrnPattern('ResourceOwner', scope({ resource: 'ServiceAccount:sa-abc123', prefix: true }))).toThrow(/--prefix/);
  });

  it('refuses flags that do not fit the role scope, rather than silently widening or narrowing it', () => {
    expect(() => buildRoleBindingCrnPattern('OrganizationAdmin', scope({ environment: 'env-x' }))).toThrow(
      'role OrganizationAdmin is bound at organization scope; `--environment` cannot be used with it',
    );
    expect(() => buildRoleBindingCrnPattern('EnvironmentAdmin', scope({ environment: 'env-x', resource: 'Topic:t' }))).toThrow(/`--resource`/);
    expect(() => buildRoleBindingCrnPattern('ResourceOwner', scope({ environment: 'env-x', resource: 'ServiceAccount:sa-abc123' }))).toThrow(
      /`--environment` cannot be used/,
    );
  });

  it('refuses unknown roles, mismatched clusters, malformed ids and names', () => {
    expect(() => buildRoleBindingCrnPattern('developerread', scope({}))).toThrow(/unknown role "developerread"; the available roles are OrganizationAdmin, /);
    expect(() => buildRoleBindingCrnPattern('DeveloperRead', scope({ ...kafkaScope, kafkaCluster: 'lkc-y', resource: 'Topic:t' }))).toThrow(
      /name different clusters/,
    );
    expect(() => buildRoleBindingCrnPattern('DeveloperRead', scope({ environment: 'env-x', resource: 'Topic:t' }))).toThrow(
      'must specify `--kafka-cluster` to uniquely identify the scope',
    );
    expect(() => buildRoleBindingCrnPattern('EnvironmentAdmin', scope({ environment: 'prod' }))).toThrow(/missing prefix "env-" is required/);
    expect(() => buildRoleBindingCrnPattern('ResourceOwner', scope({ resource: 'ServiceAccount:u-abc123' }))).toThrow(/missing prefix "sa-"/);
    expect(() => buildRoleBindingCrnPattern('DeveloperRead', scope({ ...kafkaScope, resource: 'Topic:ord*' }))).toThrow(/use `--prefix`/);
    expect(() => buildRoleBindingCrnPattern('DeveloperRead', scope({ ...kafkaScope, resource: 'Topic:a/b' }))).toThrow(/cannot contain "\/"/);
    expect(() => buildRoleBindingCrnPattern('DeveloperRead', scope({ ...kafkaScope, resource: 'Topic:' }))).toThrow(/name is missing/);
  });
});

describe('parseCrn', () => {
  it('splits a CRN into its parts', () => {
    expect(parseCrn(`${CLUSTER_CRN}/topic=orders`)).toEqual({
      organization: ORG,
      environment: 'env-x',
      cloudCluster: 'lkc-x',
      kafka: 'lkc-x',
      leaf: { type: 'topic', name: 'orders' },
      prefix: false,
      segments: [
        { type: 'organization', name: ORG },
        { type: 'environment', name: 'env-x' },
        { type: 'cloud-cluster', name: 'lkc-x' },
        { type: 'kafka', name: 'lkc-x' },
        { type: 'topic', name: 'orders' },
      ],
    });
  });

  it('reads a trailing * as a prefix on the last name', () => {
    const parsed = parseCrn(`${CLUSTER_CRN}/topic=ord*`);
    expect(parsed.prefix).toBe(true);
    expect(parsed.leaf).toEqual({ type: 'topic', name: 'ord' });
  });

  it('keeps "=" inside names', () => {
    expect(parseCrn(`${ENV_CRN}/schema-registry=lsrc-x/subject=a=b`).leaf).toEqual({ type: 'subject', name: 'a=b' });
  });

  it.each([
    'crn://confluent.cloud/organization=o',
    `${ORG_CRN}/`,
    `${ORG_CRN}/environment`,
    `${ORG_CRN}/environment=`,
    `crn://keyward/environment=env-x`,
    `${ENV_CRN}/topic=a/group=b`,
    `${CLUSTER_CRN}/environment=env-y`,
    `${ENV_CRN}/environment=env-y`,
    `${ENV_CRN}*/cloud-cluster=lkc-x`,
    `${CLUSTER_CRN}/topic=a*b`,
    `${CLUSTER_CRN}/Topic=a`,
  ])('refuses %s', (crn) => {
    expect(() => parseCrn(crn)).toThrow(/malformed CRN/);
    expect(tryParseCrn(crn)).toBeUndefined();
  });

  it('undoes buildCrn', () => {
    const id = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
    const parts = fc.record(
      {
        organization: id,
        environment: id,
        cloudCluster: id,
        kafka: id,
        schemaRegistry: id,
        leaf: fc.record({ type: fc.constantFrom('topic', 'group', 'transactional-id', 'subject', 'service-account'), name: id }),
      },
      { requiredKeys: ['organization'] },
    );
    fc.assert(
      fc.property(parts, (crnParts: CrnParts) => {
        const { segments: _segments, prefix, ...parsed } = parseCrn(buildCrn(crnParts));
        expect(prefix).toBe(false);
        expect(parsed).toEqual(crnParts);
      }),
      { numRuns: 300 },
    );
  });
});

describe('crnPatternMatches', () => {
  const topic = (env: string, name: string) => `${ORG_CRN}/environment=${env}/cloud-cluster=lkc-x/kafka=lkc-x/topic=${name}`;

  it('a pattern covers its resource and everything below it', () => {
    expect(crnPatternMatches(ENV_CRN, ENV_CRN)).toBe(true);
    expect(crnPatternMatches(ENV_CRN, `${ENV_CRN}/cloud-cluster=lkc-x`)).toBe(true);
    expect(crnPatternMatches(ENV_CRN, topic('env-x', 'orders'))).toBe(true);
    expect(crnPatternMatches(ORG_CRN, `${ORG_CRN}/service-account=sa-1`)).toBe(true);
    expect(crnPatternMatches(`${ENV_CRN}/cloud-cluster=lkc-x`, topic('env-x', 'orders'))).toBe(true);
  });

  it('never covers a sibling, a parent, or a name that merely starts the same', () => {
    expect(crnPatternMatches(ENV_CRN, topic('env-y', 'orders'))).toBe(false);
    expect(crnPatternMatches(ENV_CRN, topic('env-xy', 'orders'))).toBe(false);
    expect(crnPatternMatches(topic('env-x', 'orders'), ENV_CRN)).toBe(false);
    expect(crnPatternMatches(topic('env-x', 'orders'), topic('env-x', 'orders-eu'))).toBe(false);
    expect(crnPatternMatches(`${CLUSTER_CRN}/group=orders`, topic('env-x', 'orders'))).toBe(false);
  });

  it('a trailing * is a prefix match on the last name', () => {
    const pattern = `${CLUSTER_CRN}/topic=ord*`;
    expect(crnPatternMatches(pattern, topic('env-x', 'orders'))).toBe(true);
    expect(crnPatternMatches(pattern, topic('env-x', 'ord'))).toBe(true);
    expect(crnPatternMatches(pattern, topic('env-x', 'or'))).toBe(false);
    expect(crnPatternMatches(pattern, `${CLUSTER_CRN}/group=orders`)).toBe(false);
    expect(crnPatternMatches(pattern, topic('env-y', 'orders'))).toBe(false);
  });

  it('malformed input and prefix "resources" never match', () => {
    expect(crnPatternMatches('crn://keyward/organization=', ORG_CRN)).toBe(false);
    expect(crnPatternMatches(ORG_CRN, 'not a crn')).toBe(false);
    expect(crnPatternMatches(ENV_CRN, `${CLUSTER_CRN}/topic=ord*`)).toBe(false);
  });

  it('agrees with crn.ts crnMatches on well-formed CRNs', () => {
    const name = fc.constantFrom('a', 'ab', 'b');
    const crn = fc
      .record({ env: fc.option(name, { nil: undefined }), cluster: fc.option(name, { nil: undefined }), topic: fc.option(name, { nil: undefined }) })
      .map(({ env, cluster, topic: leaf }) => {
        const parts: CrnParts = { organization: 'o' };
        if (env !== undefined) {
          parts.environment = env;
          if (cluster !== undefined) {
            parts.cloudCluster = cluster;
            parts.kafka = cluster;
            if (leaf !== undefined) parts.leaf = { type: 'topic', name: leaf };
          }
        }
        return buildCrn(parts);
      });
    fc.assert(
      fc.property(crn, crn, fc.boolean(), (pattern, resource, prefix) => {
        const withPrefix = prefix ? `${pattern}*` : pattern;
        expect(crnPatternMatches(withPrefix, resource)).toBe(crnMatches(withPrefix, resource));
      }),
      { numRuns: 500 },
    );
  });
});

describe('resource types and Kafka resource CRNs', () => {
  it('builds Kafka resource CRNs under cloud-cluster and kafka', () => {
    const base = { organization: ORG, environment: 'env-x', clusterId: 'lkc-x' };
    expect(kafkaResourceCrn({ ...base, resourceType: 'TOPIC', name: 'orders' })).toBe(`${CLUSTER_CRN}/topic=orders`);
    expect(kafkaResourceCrn({ ...base, resourceType: 'GROUP', name: 'g' })).toBe(`${CLUSTER_CRN}/group=g`);
    expect(kafkaResourceCrn({ ...base, resourceType: 'TRANSACTIONAL_ID', name: 'tx' })).toBe(`${CLUSTER_CRN}/transactional-id=tx`);
    expect(kafkaResourceCrn({ ...base, resourceType: 'CLUSTER', name: 'kafka-cluster' })).toBe(CLUSTER_CRN);
  });

  it('tells the resource type from a CRN', () => {
    expect(resourceTypeOfCrn(parseCrn(`${CLUSTER_CRN}/topic=t`))).toBe('TOPIC');
    expect(resourceTypeOfCrn(parseCrn(`${CLUSTER_CRN}/transactional-id=t`))).toBe('TRANSACTIONAL_ID');
    expect(resourceTypeOfCrn(parseCrn(`${ENV_CRN}/schema-registry=lsrc-x/subject=s`))).toBe('SUBJECT');
    expect(resourceTypeOfCrn(parseCrn(`${ORG_CRN}/service-account=sa-1`))).toBe('SERVICE_ACCOUNT');
    expect(resourceTypeOfCrn(parseCrn(CLUSTER_CRN))).toBe('CLUSTER');
    expect(resourceTypeOfCrn(parseCrn(`${ENV_CRN}/cloud-cluster=lkc-x`))).toBe('CLUSTER');
    expect(resourceTypeOfCrn(parseCrn(ENV_CRN))).toBeUndefined();
    expect(resourceTypeOfCrn(parseCrn(`${ORG_CRN}/user=u-1`))).toBeUndefined();
  });
});
