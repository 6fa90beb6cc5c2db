import { describe, expect, it } from 'vitest';
import { bindingPattern, bindingRelation, describeScope, resourceTypesFor, rolesFor, type AccessCluster } from './scope';

const ORG = 'org-1';
const KAFKA: AccessCluster = { id: 'lkc-abc123', name: 'orders', kind: 'kafka', environment: 'env-abc123' };
const REGISTRY: AccessCluster = { id: 'lsrc-abc123', name: 'schemas', kind: 'schema-registry', environment: 'env-abc123' };
const ENV = `crn://keyward/organization=${ORG}/environment=env-abc123`;

describe('bindingPattern', () => {
  it('builds the cluster scope of a cluster role', () => {
    expect(bindingPattern(ORG, KAFKA, { role: 'CloudClusterAdmin' })).toEqual({ ok: true, crnPattern: `${ENV}/cloud-cluster=lkc-abc123` });
  });

  it('builds the organization and environment scopes', () => {
    expect(bindingPattern(ORG, KAFKA, { role: 'OrganizationAdmin' })).toEqual({ ok: true, crnPattern: `crn://keyward/organization=${ORG}` });
    expect(bindingPattern(ORG, KAFKA, { role: 'EnvironmentAdmin' })).toEqual({ ok: true, crnPattern: ENV });
  });

  it('builds a topic, a prefix, and a subject on a Schema Registry', () => {
    expect(bindingPattern(ORG, KAFKA, { role: 'DeveloperRead', resourceType: 'Topic', resourceName: 'orders' })).toEqual({
      ok: true,
      crnPattern: `${ENV}/cloud-cluster=lkc-abc123/kafka=lkc-abc123/topic=orders`,
    });
    expect(bindingPattern(ORG, KAFKA, { role: 'DeveloperRead', resourceType: 'Topic', resourceName: 'orders-', prefix: true })).toEqual({
      ok: true,
      crnPattern: `${ENV}/cloud-cluster=lkc-abc123/kafka=lkc-abc123/topic=orders-*`,
    });
    expect(bindingPattern(ORG, REGISTRY, { role: 'DeveloperWrite', resourceType: 'Subject', resourceName: 'orders-value' })).toEqual({
      ok: true,
      crnPattern: `${ENV}/schema-registry=lsrc-abc123/subject=orders-value`,
    });
  });

  it('says what is missing or wrong', () => {
    expect(bindingPattern(ORG, KAFKA, { role: 'DeveloperRead', resourceType: 'Topic', resourceName: ' ' })).toEqual({ ok: false, message: 'Enter the resource name (or the prefix).' });
    expect(bindingPattern(ORG, KAFKA, { role: 'DeveloperRead', resourceType: '' })).toEqual({ ok: false, message: 'Choose a resource type.' });
    const star = bindingPattern(ORG, KAFKA, { role: 'DeveloperRead', resourceType: 'Topic', resourceName: 'orders*' });
    expect(star.ok).toBe(false);
    expect(!star.ok && star.message).toContain('"Prefix"');
    expect(bindingPattern(ORG, KAFKA, { role: 'DeveloperWrite', resourceType: 'Group', resourceName: 'g' }).ok).toBe(false);
  });
});

describe('bindingRelation', () => {
  it('tells bindings that cover the cluster from those inside it and from others', () => {
    expect(bindingRelation(`crn://keyward/organization=${ORG}`, ORG, KAFKA)).toBe('covers');
    expect(bindingRelation(ENV, ORG, KAFKA)).toBe('covers');
    expect(bindingRelation(`${ENV}/cloud-cluster=lkc-abc123`, ORG, KAFKA)).toBe('covers');
    expect(bindingRelation(`${ENV}/cloud-cluster=lkc-abc123/kafka=lkc-abc123/topic=orders-*`, ORG, KAFKA)).toBe('inside');
    expect(bindingRelation(`${ENV}/cloud-cluster=lkc-other1`, ORG, KAFKA)).toBeNull();
    expect(bindingRelation(`crn://keyward/organization=${ORG}/service-account=sa-abc123`, ORG, KAFKA)).toBeNull();
    expect(bindingRelation(`${ENV}/schema-registry=lsrc-abc123/subject=s`, ORG, REGISTRY)).toBe('inside');
    expect(bindingRelation(`${ENV}/schema-registry=lsrc-abc123/subject=s`, ORG, KAFKA)).toBeNull();
  });
});

describe('roles and resource types', () => {
  it('offers cluster roles only on a Kafka cluster, and the resource types of the cluster kind', () => {
    expect(rolesFor('kafka')).toContain('CloudClusterAdmin');
    expect(rolesFor('schema-registry')).not.toContain('CloudClusterAdmin');
    expect(rolesFor('schema-registry')).toContain('DeveloperRead');
    expect(resourceTypesFor('DeveloperRead', 'kafka')).toEqual(['Topic', 'Group']);
    expect(resourceTypesFor('DeveloperWrite', 'kafka')).toEqual(['Topic', 'TransactionalId']);
    expect(resourceTypesFor('DeveloperRead', 'schema-registry')).toEqual(['Subject']);
    expect(resourceTypesFor('CloudClusterAdmin', 'kafka')).toEqual([]);
  });

  it('describes where a role binds', () => {
    expect(describeScope('OrganizationAdmin', KAFKA)).toBe('the whole organization');
    expect(describeScope('CloudClusterAdmin', KAFKA)).toBe('the cluster lkc-abc123');
  });
});
