/**
 * The indexed authorizer must decide exactly as the linear reference: same grant, same rule, same reason.
 * Data sets are drawn from small vocabularies (few principals, clusters, short names over "ab*") so that
 * ACL names, prefixes, wildcards and CRN patterns collide and overlap often.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACL_OPERATIONS, KAFKA_OPERATIONS, KAFKA_RESOURCE_TYPES, type KafkaAcl, type KafkaOperation } from './acl.js';
import { AuthorizerIndex, referenceAuthorize, type AuthorizationData, type AuthorizationDecision, type AuthorizationRequest, type RoleBinding } from './authorizer.js';
import { kafkaResourceCrn } from './crn-pattern.js';
import { MANAGEMENT_PERMISSIONS, ROLE_NAMES } from './roles.js';

const ORGANIZATIONS = ['o1', 'o2'];
const ENVIRONMENTS = ['env-a', 'env-ab', 'env-b'];
const CLUSTERS = ['lkc-a', 'lkc-ab'];
const PRINCIPALS = ['User:sa-a', 'User:sa-b', 'User:u-c'];
const HOSTS = ['*', '10.0.0.1', '10.0.0.2'];

const shortName = fc.string({ unit: fc.constantFrom('a', 'b', '*'), minLength: 0, maxLength: 3 });
const segmentName = (values: readonly string[]) => fc.oneof(fc.constantFrom(...values), shortName.filter((name) => name !== ''));

const aclArbitrary: fc.Arbitrary<KafkaAcl> = fc.record({
  cluster_id: fc.constantFrom(...CLUSTERS),
  principal: fc.constantFrom(...PRINCIPALS, 'User:*'),
  permission: fc.constantFrom('ALLOW', 'DENY'),
  operation: fc.constantFrom(...ACL_OPERATIONS),
  resource_type: fc.constantFrom(...KAFKA_RESOURCE_TYPES),
  resource_name: fc.oneof(shortName, fc.constant('*')),
  pattern_type: fc.constantFrom('LITERAL', 'PREFIXED'),
  host: fc.constantFrom(...HOSTS),
});

/** A CRN of any shape keyward uses, built segment by segment; names may hold `*` (malformed), and a pattern may end in `*`. */
const crnArbitrary = (allowPrefix: boolean): fc.Arbitrary<string> =>
  fc
    .record({
      organization: fc.constantFrom(...ORGANIZATIONS),
      environment: segmentName(ENVIRONMENTS),
      cluster: segmentName(CLUSTERS),
      registry: fc.constantFrom('lsrc-a', 'lsrc-b'),
      shape: fc.constantFrom('org', 'env', 'cloud', 'kafka', 'kafka-leaf', 'registry', 'subject', 'service-account', 'user'),
      leafType: fc.constantFrom('topic', 'group', 'transactional-id'),
      leafName: segmentName(['sa-a', 'u-c']),
      prefix: allowPrefix ? fc.boolean() : fc.constant(false),
    })
    .map((crn) => {
      const org = `crn://keyward/organization=${crn.organization}`;
      const env = `${org}/environment=${crn.environment}`;
      const cloud = `${env}/cloud-cluster=${crn.cluster}`;
      const kafka = `${cloud}/kafka=${crn.cluster}`;
      const byShape: Record<typeof crn.shape, string> = {
        org,
        env,
        cloud,
        kafka,
        'kafka-leaf': `${kafka}/${crn.leafType}=${crn.leafName}`,
        registry: `${env}/schema-registry=${crn.registry}`,
        subject: `${env}/schema-registry=${crn.registry}/subject=${crn.leafName}`,
        'service-account': `${org}/service-account=${crn.leafName}`,
        user: `${org}/user=${crn.leafName}`,
      };
      return byShape[crn.shape] + (crn.prefix ? '*' : '');
    });

const bindingArbitrary: fc.Arbitrary<RoleBinding> = fc.record({
  id: fc.string({ unit: fc.constantFrom('0', '1', '2'), minLength: 1, maxLength: 3 }).map((digits) => `rb-${digits}`),
  principal: fc.constantFrom(...PRINCIPALS),
  role_name: fc.constantFrom(...ROLE_NAMES, 'NoSuchRole', 'developerread'),
  crn_pattern: fc.oneof({ weight: 12, arbitrary: crnArbitrary(true) }, { weight: 1, arbitrary: fc.constantFrom('not-a-crn', 'crn://keyward/environment=env-a') }),
});

const kafkaRequestArbitrary: fc.Arbitrary<AuthorizationRequest> = fc
  .record({
    principal: fc.constantFrom(...PRINCIPALS, 'User:*'),
    action: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KAFKA_OPERATIONS) }, { weight: 1, arbitrary: fc.constantFrom(...MANAGEMENT_PERMISSIONS) }),
    host: fc.option(fc.constantFrom('10.0.0.1', '10.0.0.2'), { nil: undefined }),
    organization: fc.constantFrom(...ORGANIZATIONS),
    environment: fc.constantFrom(...ENVIRONMENTS),
    clusterId: fc.constantFrom(...CLUSTERS),
    resourceType: fc.constantFrom(...KAFKA_RESOURCE_TYPES),
    name: fc.oneof(shortName, fc.constant('*')),
  })
  .map(({ principal, action, host, organization, environment, clusterId, resourceType, name }) => ({
    principal,
    action,
    host,
    resource: {
      crn: kafkaResourceCrn({ organization, environment, clusterId, resourceType, name }),
      kafka: { clusterId, resourceType, name },
    },
  }));

const crnRequestArbitrary: fc.Arbitrary<AuthorizationRequest> = fc.record({
  principal: fc.constantFrom(...PRINCIPALS),
  action: fc.oneof(fc.constantFrom(...MANAGEMENT_PERMISSIONS), fc.constantFrom(...KAFKA_OPERATIONS)),
  resource: crnArbitrary(false).map((crn) => ({ crn })),
});

/** A request aimed at one of the ACLs: its cluster, type and (often) principal, its name or a longer one. */
const requestNearAcl = (acls: readonly KafkaAcl[]): fc.Arbitrary<AuthorizationRequest> =>
  fc
    .record({
      acl: fc.constantFrom(...acls),
      principal: fc.constantFrom(...PRINCIPALS),
      ownPrincipal: fc.boolean(),
      operation: fc.oneof(fc.constantFrom(...KAFKA_OPERATIONS), fc.constantFrom('DESCRIBE', 'DESCRIBE_CONFIGS', 'READ') as fc.Arbitrary<KafkaOperation>),
      sameOperation: fc.boolean(),
      host: fc.option(fc.constantFrom('10.0.0.1', '10.0.0.2'), { nil: undefined }),
      sameHost: fc.boolean(),
      suffix: fc.constantFrom('', '', 'a', 'b'),
      environment: fc.constantFrom(...ENVIRONMENTS),
    })
    .map(({ acl, principal, ownPrincipal, operation, sameOperation, host, sameHost, suffix, environment }) => {
      const name = acl.resource_name === '*' ? `x${suffix}` : `${acl.resource_name}${suffix}`;
      const action = sameOperation && acl.operation !== 'ALL' ? acl.operation : operation;
      const kafka = { clusterId: acl.cluster_id, resourceType: acl.resource_type, name };
      const crn = kafkaResourceCrn({ organization: 'o1', environment, clusterId: acl.cluster_id, resourceType: acl.resource_type, name });
      return {
        principal: ownPrincipal && acl.principal !== 'User:*' ? acl.principal : principal,
        action,
        host: sameHost && acl.host !== '*' ? acl.host : host,
        resource: { crn, kafka },
      };
    });

/** A request aimed at one of the role bindings: its principal, its pattern's resource or something below it. */
const requestNearBinding = (bindings: readonly RoleBinding[]): fc.Arbitrary<AuthorizationRequest> =>
  fc
    .record({
      binding: fc.constantFrom(...bindings),
      action: fc.oneof(fc.constantFrom(...MANAGEMENT_PERMISSIONS), fc.constantFrom(...KAFKA_OPERATIONS)),
      suffix: fc.constantFrom('', 'a', 'b'),
      below: fc.constantFrom('', '', '/cloud-cluster=lkc-a', '/kafka=lkc-a', '/topic=a', '/group=b', '/subject=a', '/service-account=sa-a'),
    })
    .map(({ binding, action, suffix, below }) => {
      const literal = binding.crn_pattern.endsWith('*') ? `${binding.crn_pattern.slice(0, -1)}${suffix}` : binding.crn_pattern;
      return { principal: binding.principal, action, resource: { crn: `${literal}${below}` } };
    });

const scenarioArbitrary = (sizes: { data: [number, number]; requests: [number, number] }) =>
  fc
    .tuple(
      fc.array(aclArbitrary, { minLength: sizes.data[0], maxLength: sizes.data[1] }),
      fc.array(bindingArbitrary, { minLength: sizes.data[0], maxLength: sizes.data[1] }),
    )
    .chain(([acls, roleBindings]) => {
      const aimed: Array<fc.Arbitrary<AuthorizationRequest>> = [kafkaRequestArbitrary, crnRequestArbitrary];
      if (acls.length > 0) aimed.push(requestNearAcl(acls), requestNearAcl(acls));
      if (roleBindings.length > 0) aimed.push(requestNearBinding(roleBindings), requestNearBinding(roleBindings));
      return fc.record({
        data: fc.constant<AuthorizationData>({ acls, roleBindings }),
        requests: fc.array(fc.oneof(...aimed), { minLength: sizes.requests[0], maxLength: sizes.requests[1] }),
      });
    });

type Outcome = 'deny-acl' | 'allow-acl' | 'rbac' | 'none';
const outcomeOf = (decision: AuthorizationDecision): Outcome =>
  decision.rule === undefined ? 'none' : decision.rule.kind === 'rbac' ? 'rbac' : decision.granted ? 'allow-acl' : 'deny-acl';

function agreeOnEveryRequest(data: AuthorizationData, requests: readonly AuthorizationRequest[], seen: Map<Outcome, number>): void {
  const index = new AuthorizerIndex(data);
  for (const request of requests) {
    const expected = referenceAuthorize(data, request);
    expect(index.authorize(request)).toEqual(expected);
    seen.set(outcomeOf(expected), (seen.get(outcomeOf(expected)) ?? 0) + 1);
  }
}

describe('AuthorizerIndex agrees with referenceAuthorize', () => {
  const everyOutcome = ['deny-acl', 'allow-acl', 'rbac', 'none'] as const;

  it('on small, dense data sets', () => {
    const seen = new Map<Outcome, number>();
    fc.assert(
      fc.property(scenarioArbitrary({ data: [0, 25], requests: [1, 15] }), ({ data, requests }) => agreeOnEveryRequest(data, requests, seen)),
      { numRuns: 2500 },
    );
    // The generators must reach every kind of decision often, or the comparison proves little.
    for (const outcome of everyOutcome) expect(seen.get(outcome) ?? 0, outcome).toBeGreaterThan(300);
  });

  it('on larger data sets', () => {
    const seen = new Map<Outcome, number>();
    fc.assert(
      fc.property(scenarioArbitrary({ data: [100, 400], requests: [20, 40] }), ({ data, requests }) => agreeOnEveryRequest(data, requests, seen)),
      { numRuns: 150 },
    );
    for (const outcome of everyOutcome) expect(seen.get(outcome) ?? 0, outcome).toBeGreaterThan(200);
  });
});
