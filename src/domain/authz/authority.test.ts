import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KafkaAcl } from './acl.js';
import {
  aclOverlapsDeny,
  authorityRefusal,
  bindingOverlapsDeny,
  grantRefusal,
  holdsOrganizationAuthority,
  patternContains,
  roleWithin,
  type Grantor,
} from './authority.js';
import { crnPatternMatches, parseCrn } from './crn-pattern.js';
import { findRole } from './roles.js';
import { referenceAuthorize } from './reference-authorizer.js';

const ORG = 'org-1';
const ORG_CRN = `crn://keyward/organization=${ORG}`;
const ENV = `${ORG_CRN}/environment=env-a`;
const CLUSTER = `${ENV}/cloud-cluster=lkc-a`;
const KAFKA = `${CLUSTER}/kafka=lkc-a`;
const OTHER_CLUSTER = `${ORG_CRN}/environment=env-b/cloud-cluster=lkc-b`;

const role = (name: string) => findRole(name)!;

function grantor(bindings: Array<[string, string]>, denyAcls: KafkaAcl[] = []): Grantor {
  return {
    principal: 'User:u-caller',
    organization: ORG,
    roleBindings: bindings.map(([role_name, crn_pattern]) => ({ role_name, crn_pattern })),
    denyAcls,
    clusterEnvironments: new Map([
      ['lkc-a', 'env-a'],
      ['lkc-b', 'env-b'],
    ]),
  };
}

function acl(fields: Partial<KafkaAcl>): KafkaAcl {
  return {
    cluster_id: 'lkc-a',
    principal: 'User:sa-target',
    permission: 'ALLOW',
    operation: 'READ',
    resource_type: 'TOPIC',
    resource_name: 'orders',
    pattern_type: 'LITERAL',
    host: '*',
    ...fields,
  };
}

const binding = (roleName: string, crnPattern: string) => ({ kind: 'role-binding' as const, roleName, crnPattern });

describe('patternContains', () => {
  it('a literal never covers a prefix at its own level', () => {
    expect(patternContains(`${KAFKA}/topic=billing`, `${KAFKA}/topic=billing*`)).toBe(false);
    expect(patternContains(`${KAFKA}/topic=billing`, `${KAFKA}/topic=billing`)).toBe(true);
  });

  it('a prefix covers a longer prefix and a literal inside it, not a shorter prefix or a literal outside', () => {
    expect(patternContains(`${KAFKA}/topic=billing*`, `${KAFKA}/topic=billing-eu*`)).toBe(true);
    expect(patternContains(`${KAFKA}/topic=billing*`, `${KAFKA}/topic=billing-eu`)).toBe(true);
    expect(patternContains(`${KAFKA}/topic=billing-eu*`, `${KAFKA}/topic=billing*`)).toBe(false);
    expect(patternContains(`${KAFKA}/topic=billing*`, `${KAFKA}/topic=orders`)).toBe(false);
  });

  it('a container covers everything below it, prefixes included, and nothing beside it', () => {
    expect(patternContains(ENV, `${KAFKA}/topic=billing*`)).toBe(true);
    expect(patternContains(CLUSTER, `${KAFKA}/group=g*`)).toBe(true);
    expect(patternContains(ORG_CRN, ENV)).toBe(true);
    expect(patternContains(ENV, ORG_CRN)).toBe(false);
    expect(patternContains(CLUSTER, OTHER_CLUSTER)).toBe(false);
    expect(patternContains(`${KAFKA}/topic=a`, `${KAFKA}/group=a`)).toBe(false);
  });

  it('a malformed pattern contains nothing and is contained by nothing', () => {
    expect(patternContains('nonsense', ENV)).toBe(false);
    expect(patternContains(ORG_CRN, 'crn://keyward/environment=x')).toBe(false);
  });

  // Every pattern and resource over a small alphabet, so that names share prefixes: containment must
  // be exactly "covers a subset of the resources" (sound: never more; complete: never less).
  const LITERALS = ['a', 'ab', 'b'];
  const PREFIXES = ['', 'a', 'ab', 'b'];
  const RESOURCE_NAMES = ['a', 'ab', 'abc', 'b', 'ba'];
  const crn = (segments: string[], prefix = false) => `crn://keyward/${segments.join('/')}${prefix ? '*' : ''}`;
  const levels = (env: string, cluster: string, topic: string) => [`organization=${ORG}`, `environment=env-${env}`, `cloud-cluster=lkc-${cluster}`, `kafka=lkc-${cluster}`, `topic=${topic}`];

  const resources: string[] = [];
  for (const env of RESOURCE_NAMES) for (const cluster of RESOURCE_NAMES) for (const topic of RESOURCE_NAMES) {
    for (let depth = 1; depth <= 5; depth++) resources.push(crn(levels(env, cluster, topic).slice(0, depth)));
  }
  const allResources = [...new Set(resources)];

  const patterns = new Set<string>();
  for (const env of LITERALS) for (const cluster of LITERALS) for (const topic of LITERALS) {
    const path = levels(env, cluster, topic);
    for (let depth = 1; depth <= 5; depth++) patterns.add(crn(path.slice(0, depth)));
    // a prefix on the environment, the cluster or the topic (the kafka segment repeats the cluster's id)
    for (const name of PREFIXES) {
      patterns.add(crn([path[0]!, `environment=env-${name}`], true));
      patterns.add(crn([...path.slice(0, 2), `cloud-cluster=lkc-${name}`], true));
      patterns.add(crn([...path.slice(0, 4), `topic=${name}`], true));
    }
  }
  const covered = new Map([...patterns].map((pattern) => [pattern, new Set(allResources.filter((r) => crnPatternMatches(pattern, r)))]));

  it(`is exactly "covers a subset of the resources" over ${patterns.size} patterns and ${allResources.length} resources`, () => {
    const wrong: string[] = [];
    for (const [outer, outerCovers] of covered) {
      for (const [inner, innerCovers] of covered) {
        const subset = [...innerCovers].every((r) => outerCovers.has(r));
        if (patternContains(outer, inner) !== subset) wrong.push(`${outer} ⊇ ${inner}: expected ${subset}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('is transitive (property)', () => {
    const list = [...patterns];
    fc.assert(
      fc.property(fc.constantFrom(...list), fc.constantFrom(...list), fc.constantFrom(...list), (a, b, c) => {
        if (patternContains(a, b) && patternContains(b, c)) expect(patternContains(a, c)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('roleWithin', () => {
  it('OrganizationAdmin holds every role; a developer role holds no administrator role', () => {
    expect(roleWithin(role('EnvironmentAdmin'), role('OrganizationAdmin'), parseCrn(ENV))).toBe(true);
    expect(roleWithin(role('OrganizationAdmin'), role('EnvironmentAdmin'), parseCrn(ORG_CRN))).toBe(false);
    expect(roleWithin(role('DeveloperRead'), role('ResourceOwner'), parseCrn(`${KAFKA}/topic=t`))).toBe(true);
    expect(roleWithin(role('ResourceOwner'), role('DeveloperRead'), parseCrn(`${KAFKA}/topic=t`))).toBe(false);
  });
});

describe('grantRefusal: role bindings', () => {
  const owner = grantor([['ResourceOwner', `${KAFKA}/topic=billing`]]);

  it('a ResourceOwner of the literal topic billing cannot bind topic=billing*', () => {
    expect(grantRefusal(owner, binding('ResourceOwner', `${KAFKA}/topic=billing*`))).toMatch(/contains/);
    expect(grantRefusal(owner, binding('DeveloperRead', `${KAFKA}/topic=billing*`))).toMatch(/contains/);
  });

  it('but may pass on its own topic, with its own role or a lesser one', () => {
    expect(grantRefusal(owner, binding('ResourceOwner', `${KAFKA}/topic=billing`))).toBeUndefined();
    expect(grantRefusal(owner, binding('DeveloperRead', `${KAFKA}/topic=billing`))).toBeUndefined();
  });

  it('an EnvironmentAdmin binds inside its environment only; roles without role-binding:manage bind nothing', () => {
    const environmentAdmin = grantor([['EnvironmentAdmin', ENV]]);
    expect(grantRefusal(environmentAdmin, binding('CloudClusterAdmin', CLUSTER))).toBeUndefined();
    expect(grantRefusal(environmentAdmin, binding('DeveloperRead', `${KAFKA}/topic=x*`))).toBeUndefined();
    expect(grantRefusal(environmentAdmin, binding('CloudClusterAdmin', OTHER_CLUSTER))).toBeDefined();
    expect(grantRefusal(environmentAdmin, binding('OrganizationAdmin', ORG_CRN))).toBeDefined();
    for (const name of ['AccountAdmin', 'CloudClusterAdmin', 'DeveloperManage', 'Operator', 'MetricsViewer']) {
      const scope = name === 'AccountAdmin' || name === 'MetricsViewer' ? ORG_CRN : name === 'DeveloperManage' ? `${KAFKA}/topic=t` : CLUSTER;
      expect(grantRefusal(grantor([[name, scope]]), binding('DeveloperRead', `${KAFKA}/topic=t`)), name).toBeDefined();
    }
  });

  it('an OrganizationAdmin may grant every role anywhere', () => {
    const admin = grantor([['OrganizationAdmin', ORG_CRN]]);
    expect(grantRefusal(admin, binding('OrganizationAdmin', ORG_CRN))).toBeUndefined();
    expect(grantRefusal(admin, binding('ResourceOwner', `${ORG_CRN}/service-account=sa-x`))).toBeUndefined();
  });

  it('nobody passes on what a DENY ACL refuses them', () => {
    const denied = grantor([['EnvironmentAdmin', ENV]], [acl({ principal: 'User:u-caller', permission: 'DENY', resource_name: 'payroll' })]);
    expect(grantRefusal(denied, binding('DeveloperRead', `${KAFKA}/topic=payroll`))).toMatch(/DENY ACL/);
    expect(grantRefusal(denied, binding('DeveloperRead', `${KAFKA}/topic=pay*`))).toMatch(/DENY ACL/);
    expect(grantRefusal(denied, binding('CloudClusterAdmin', CLUSTER))).toMatch(/DENY ACL/);
    expect(grantRefusal(denied, binding('DeveloperRead', `${KAFKA}/topic=orders`))).toBeUndefined();
    // DeveloperWrite grants no READ: a DENY of READ does not stand in its way
    expect(grantRefusal(denied, binding('DeveloperWrite', `${KAFKA}/topic=payroll`))).toBeUndefined();
  });
});

describe('grantRefusal: ACLs', () => {
  it('needs acl:manage on the cluster', () => {
    expect(grantRefusal(grantor([['CloudClusterAdmin', CLUSTER]]), { kind: 'acl', acl: acl({}) })).toBeUndefined();
    expect(grantRefusal(grantor([['CloudClusterAdmin', OTHER_CLUSTER]]), { kind: 'acl', acl: acl({}) })).toMatch(/may not manage the ACLs/);
    expect(grantRefusal(grantor([['AccountAdmin', ORG_CRN]]), { kind: 'acl', acl: acl({}) })).toBeDefined();
  });

  it('refuses an ALLOW that overlaps a DENY naming the caller, also for User:*', () => {
    const denied = grantor([['CloudClusterAdmin', CLUSTER]], [acl({ principal: 'User:u-caller', permission: 'DENY', operation: 'ALL', resource_name: 'pii-', pattern_type: 'PREFIXED' })]);
    expect(grantRefusal(denied, { kind: 'acl', acl: acl({ resource_name: 'pii-eu' }) })).toMatch(/DENY ACL/);
    expect(grantRefusal(denied, { kind: 'acl', acl: acl({ principal: 'User:*', resource_name: '*' }) })).toMatch(/DENY ACL/);
    expect(grantRefusal(denied, { kind: 'acl', acl: acl({ resource_name: 'orders' }) })).toBeUndefined();
    expect(grantRefusal(denied, { kind: 'acl', acl: acl({ resource_name: 'pii-eu', resource_type: 'GROUP' }) })).toBeUndefined();
  });
});

describe('overlaps with a DENY ACL', () => {
  const deny = acl({ principal: 'User:u-caller', permission: 'DENY', operation: 'DESCRIBE' });

  it('an ALLOW of READ implies DESCRIBE, so it overlaps a DENY of DESCRIBE; not the other way round', () => {
    expect(aclOverlapsDeny(acl({ operation: 'READ' }), deny)).toBe(true);
    expect(aclOverlapsDeny(acl({ operation: 'DESCRIBE' }), acl({ ...deny, operation: 'READ' }))).toBe(false);
    expect(aclOverlapsDeny(acl({ operation: 'ALL' }), acl({ ...deny, operation: 'WRITE' }))).toBe(true);
    expect(aclOverlapsDeny(acl({ cluster_id: 'lkc-b' }), deny)).toBe(false);
  });

  it('a binding on a container overlaps every DENY in its clusters; one on a resource only its own', () => {
    expect(bindingOverlapsDeny(role('EnvironmentAdmin'), parseCrn(ENV), deny, 'env-a')).toBe(true);
    expect(bindingOverlapsDeny(role('EnvironmentAdmin'), parseCrn(`${ORG_CRN}/environment=env-b`), deny, 'env-a')).toBe(false);
    expect(bindingOverlapsDeny(role('DeveloperRead'), parseCrn(`${KAFKA}/topic=orders`), deny, 'env-a')).toBe(true);
    expect(bindingOverlapsDeny(role('DeveloperRead'), parseCrn(`${KAFKA}/topic=other`), deny, 'env-a')).toBe(false);
    expect(bindingOverlapsDeny(role('DeveloperRead'), parseCrn(`${KAFKA}/group=orders`), deny, 'env-a')).toBe(false);
  });
});

describe('authorityRefusal', () => {
  const target = (bindings: Array<[string, string]>, allowAcls: KafkaAcl[] = []) => ({
    principal: 'User:sa-target',
    roleBindings: bindings.map(([role_name, crn_pattern]) => ({ role_name, crn_pattern })),
    allowAcls,
  });

  it('AccountAdmin has no authority over a service account holding OrganizationAdmin', () => {
    expect(authorityRefusal(grantor([['AccountAdmin', ORG_CRN]]), target([['OrganizationAdmin', ORG_CRN]]))).toMatch(/User:sa-target holds OrganizationAdmin/);
  });

  it('a CloudClusterAdmin has authority over a principal holding nothing or only ACLs it could create', () => {
    const clusterAdmin = grantor([['CloudClusterAdmin', CLUSTER]]);
    expect(authorityRefusal(clusterAdmin, target([]))).toBeUndefined();
    expect(authorityRefusal(clusterAdmin, target([], [acl({})]))).toBeUndefined();
    expect(authorityRefusal(clusterAdmin, target([], [acl({ cluster_id: 'lkc-b' })]))).toBeDefined();
    expect(authorityRefusal(clusterAdmin, target([['DeveloperRead', `${KAFKA}/topic=t`]]))).toBeDefined();
  });

  it('counts the target ACLs that name it, not those of User:* (they are the caller’s as well)', () => {
    const clusterAdmin = grantor([['CloudClusterAdmin', CLUSTER]]);
    expect(authorityRefusal(clusterAdmin, target([], [acl({ principal: 'User:*', cluster_id: 'lkc-b' })]))).toBeUndefined();
  });

  it('a caller denied a topic has no authority over a principal allowed it', () => {
    const denied = grantor([['CloudClusterAdmin', CLUSTER]], [acl({ principal: 'User:u-caller', permission: 'DENY' })]);
    expect(authorityRefusal(denied, target([], [acl({})]))).toMatch(/DENY ACL/);
  });

  it('everyone has authority over itself', () => {
    expect(authorityRefusal(grantor([]), { ...target([['OrganizationAdmin', ORG_CRN]]), principal: 'User:u-caller' })).toBeUndefined();
  });
});

describe('holdsOrganizationAuthority', () => {
  it('only a binding at organization scope of a role holding everything', () => {
    expect(holdsOrganizationAuthority([{ role_name: 'OrganizationAdmin', crn_pattern: ORG_CRN }], ORG)).toBe(true);
    expect(holdsOrganizationAuthority([{ role_name: 'AccountAdmin', crn_pattern: ORG_CRN }], ORG)).toBe(false);
    expect(holdsOrganizationAuthority([{ role_name: 'OrganizationAdmin', crn_pattern: `${ORG_CRN}/environment=env-a` }], ORG)).toBe(false);
    expect(holdsOrganizationAuthority([{ role_name: 'OrganizationAdmin', crn_pattern: `crn://keyward/organization=other` }], ORG)).toBe(false);
  });
});

describe('overlap with a DENY ACL, against the reference authorizer', () => {
  // A grant overlaps a DENY exactly when some request is both allowed by the grant and refused by the
  // DENY: checked over every request of a small universe.
  const PRINCIPAL = 'User:u-caller';
  const ENVIRONMENTS = new Map([['lkc-a', 'env-a'], ['lkc-b', 'env-b']]);
  const OPERATIONS = ['ALL', 'READ', 'WRITE', 'DESCRIBE'] as const;
  const NAMES: Array<[string, 'LITERAL' | 'PREFIXED']> = [['a', 'LITERAL'], ['ab', 'LITERAL'], ['*', 'LITERAL'], ['a', 'PREFIXED'], ['ab', 'PREFIXED'], ['b', 'PREFIXED']];
  const acls = (permission: 'ALLOW' | 'DENY'): KafkaAcl[] =>
    ['lkc-a', 'lkc-b'].flatMap((cluster_id) =>
      (['TOPIC', 'GROUP'] as const).flatMap((resource_type) =>
        OPERATIONS.flatMap((operation) => NAMES.map(([resource_name, pattern_type]) => acl({ cluster_id, principal: PRINCIPAL, permission, operation, resource_type, resource_name, pattern_type }))),
      ),
    );
  const requests = ['lkc-a', 'lkc-b'].flatMap((clusterId) =>
    (['TOPIC', 'GROUP'] as const).flatMap((resourceType) =>
      (['READ', 'WRITE', 'DESCRIBE', 'DELETE'] as const).flatMap((action) =>
        ['a', 'ab', 'abc', 'b', 'c'].map((name) => ({
          principal: PRINCIPAL,
          action,
          host: '10.0.0.1',
          resource: {
            crn: `${ORG_CRN}/environment=${ENVIRONMENTS.get(clusterId)}/cloud-cluster=${clusterId}/kafka=${clusterId}/${resourceType === 'TOPIC' ? 'topic' : 'group'}=${name}`,
            kafka: { clusterId, resourceType, name },
          },
        })),
      ),
    ),
  );
  const denies = acls('DENY');
  const refusedBy = (deny: KafkaAcl) => requests.filter((r) => referenceAuthorize({ acls: [deny], roleBindings: [] }, r).rule?.kind === 'acl');

  it('for ALLOW ACLs', () => {
    const wrong: string[] = [];
    for (const allow of acls('ALLOW')) {
      const allowed = requests.filter((r) => referenceAuthorize({ acls: [allow], roleBindings: [] }, r).granted);
      for (const deny of denies) {
        const refused = new Set(refusedBy(deny));
        if (aclOverlapsDeny(allow, deny) !== allowed.some((r) => refused.has(r))) wrong.push(`${describeAcl(allow)} vs ${describeAcl(deny)}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('for role bindings', () => {
    const patterns = [
      ORG_CRN, ENV, `${ORG_CRN}/environment=env-b`, `${ORG_CRN}/environment=env-*`, CLUSTER, OTHER_CLUSTER,
      ...['a', 'ab', 'b'].flatMap((name) => [`${KAFKA}/topic=${name}`, `${KAFKA}/topic=${name}*`, `${KAFKA}/group=${name}`]),
    ];
    const roles = ['EnvironmentAdmin', 'CloudClusterAdmin', 'ResourceOwner', 'DeveloperRead', 'DeveloperWrite', 'DeveloperManage', 'Operator'];
    const wrong: string[] = [];
    for (const crnPattern of patterns) {
      for (const roleName of roles) {
        const binding = { id: 'rb-1', principal: PRINCIPAL, role_name: roleName, crn_pattern: crnPattern };
        const allowed = requests.filter((r) => referenceAuthorize({ acls: [], roleBindings: [binding] }, r).granted);
        for (const deny of denies) {
          const refused = new Set(refusedBy(deny));
          const overlaps = bindingOverlapsDeny(role(roleName), parseCrn(crnPattern), deny, ENVIRONMENTS.get(deny.cluster_id)!);
          if (overlaps !== allowed.some((r) => refused.has(r))) wrong.push(`${roleName} on ${crnPattern} vs ${describeAcl(deny)}: expected ${!overlaps}`);
        }
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});

function describeAcl(a: KafkaAcl): string {
  return `${a.permission} ${a.operation} ${a.resource_type}:${a.resource_name} (${a.pattern_type}) in ${a.cluster_id}`;
}
