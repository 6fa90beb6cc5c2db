/**
 * Decision test vectors for the Kafka broker plugin (DESIGN §8): `test/vectors/kafka-decisions.json`,
 * written by `npm run vectors`, replayed by the TypeScript tests and by the plugin's Java tests.
 *
 * Every scenario is source data — ACLs and role bindings as keyward stores them — compiled into the
 * grants a broker receives (`compileGrants`). The expected answer to every request comes from keyward's
 * own authorizer (`AuthorizerIndex`) over the SOURCE data, never from the compiled grants, and every
 * expected login result from keyward's own key check (`checkLogin`). So a broker that decides the grants
 * as the vectors say decides as keyward does.
 *
 * Hand-written edge cases come first; seeded random scenarios follow (the same seed always writes the
 * same file, byte for byte).
 */
import {
  CLUSTER_RESOURCE_NAME,
  KAFKA_OPERATIONS,
  KAFKA_RESOURCE_TYPES,
  SUPPORTED_OPERATIONS,
  type AclOperation,
  type AclPermission,
  type KafkaAcl,
  type KafkaOperation,
  type KafkaResourceType,
  type PatternType,
} from '../authz/acl.js';
import { AuthorizerIndex } from '../authz/authorizer-index.js';
import { kafkaResourceCrn } from '../authz/crn-pattern.js';
import type { AuthorizationDecision, RoleBinding } from '../authz/decision.js';
import { ROLE_NAMES } from '../authz/roles.js';
import { buildCrn } from '../crn.js';
import { seededRandom } from '../seeded-random.js';
import { hashSecret } from '../secrets.js';
import { compileGrants, type ReplicaGrant } from './compile-grants.js';
import { checkLogin, type LoginResult, type ReplicaKey } from './login-check.js';

export const VECTOR_ORGANIZATION = '5f0c2a3e-7b1d-4e8a-9c6f-0a1b2c3d4e5f';
export const VECTOR_ENVIRONMENT = 'env-vector';
export const VECTOR_CLUSTER = 'lkc-vector';
export const VECTOR_NOW = '2026-06-01T00:00:00.000Z';
export const VECTOR_SEED = 20260601;
export const VECTORS_PATH = 'test/vectors/kafka-decisions.json';

export type DecisionRule = 'ALLOW' | 'DENY' | 'NONE';

export interface VectorRequest {
  principal: string;
  operation: KafkaOperation;
  resource_type: KafkaResourceType;
  resource_name: string;
  host: string;
  granted: boolean;
  rule: DecisionRule;
}

export interface AuthorizationVector {
  name: string;
  grants: ReplicaGrant[];
  requests: VectorRequest[];
}

export interface LoginVector {
  name: string;
  key: ReplicaKey | null;
  key_id: string;
  password: string;
  result: LoginResult;
}

export interface DecisionVectors {
  generated_by: 'npm run vectors';
  cluster: string;
  now: string;
  authorizations: AuthorizationVector[];
  logins: LoginVector[];
}

/** A scenario before its answers: the source data and the requests to decide. */
export interface SourceScenario {
  name: string;
  acls: KafkaAcl[];
  roleBindings: RoleBinding[];
  requests: Array<Omit<VectorRequest, 'granted' | 'rule'>>;
}

// ---------------------------------------------------------------------------------------------
// Deciding

/** Which kind of grant decided: a DENY matched, an ALLOW (ACL or role binding) matched, or nothing did. */
export function ruleOf(decision: AuthorizationDecision): DecisionRule {
  if (decision.rule === undefined) return 'NONE';
  if (decision.rule.kind === 'rbac') return 'ALLOW';
  return decision.rule.acl.permission;
}

/** keyward's decision on one Kafka request of the vector cluster. */
export function decideRequest(index: AuthorizerIndex, request: Omit<VectorRequest, 'granted' | 'rule'>): AuthorizationDecision {
  return index.authorize({
    principal: request.principal,
    action: request.operation,
    host: request.host,
    resource: {
      crn: kafkaResourceCrn({
        organization: VECTOR_ORGANIZATION,
        environment: VECTOR_ENVIRONMENT,
        clusterId: VECTOR_CLUSTER,
        resourceType: request.resource_type,
        name: request.resource_name,
      }),
      kafka: { clusterId: VECTOR_CLUSTER, resourceType: request.resource_type, name: request.resource_name },
    },
  });
}

export function compileScenario(scenario: SourceScenario): ReplicaGrant[] {
  return compileGrants({
    organizationId: VECTOR_ORGANIZATION,
    environmentId: VECTOR_ENVIRONMENT,
    clusterId: VECTOR_CLUSTER,
    acls: scenario.acls,
    roleBindings: scenario.roleBindings,
  });
}

function answer(scenario: SourceScenario): AuthorizationVector {
  const index = new AuthorizerIndex({ acls: scenario.acls, roleBindings: scenario.roleBindings });
  return {
    name: scenario.name,
    grants: compileScenario(scenario),
    requests: scenario.requests.map((request) => {
      const decision = decideRequest(index, request);
      return { ...request, granted: decision.granted, rule: ruleOf(decision) };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Building blocks

const SA = 'User:sa-vector';
const SA2 = 'User:sa-other1';
const USER = 'User:u-vector';
const HOST = '10.0.0.1';
const OTHER_HOST = '10.0.0.2';

let aclCounter = 0;
let bindingCounter = 0;

function acl(
  permission: AclPermission,
  principal: string,
  operation: AclOperation,
  resource_type: KafkaResourceType,
  resource_name: string,
  pattern_type: PatternType = 'LITERAL',
  host = '*',
  cluster_id = VECTOR_CLUSTER,
): KafkaAcl {
  aclCounter += 1;
  return {
    id: `acl-${String(aclCounter).padStart(4, '0')}`,
    cluster_id,
    principal,
    permission,
    operation,
    resource_type,
    resource_name,
    pattern_type,
    host,
  };
}

function binding(principal: string, role_name: string, crn_pattern: string): RoleBinding {
  bindingCounter += 1;
  return { id: `rb-${String(bindingCounter).padStart(6, '0')}`, principal, role_name, crn_pattern };
}

const ORG_CRN = buildCrn({ organization: VECTOR_ORGANIZATION });
const ENV_CRN = buildCrn({ organization: VECTOR_ORGANIZATION, environment: VECTOR_ENVIRONMENT });
const CLOUD_CLUSTER_CRN = buildCrn({ organization: VECTOR_ORGANIZATION, environment: VECTOR_ENVIRONMENT, cloudCluster: VECTOR_CLUSTER });
const KAFKA_CRN = buildCrn({ organization: VECTOR_ORGANIZATION, environment: VECTOR_ENVIRONMENT, cloudCluster: VECTOR_CLUSTER, kafka: VECTOR_CLUSTER });
const leafCrn = (type: 'topic' | 'group' | 'transactional-id', name: string): string => `${KAFKA_CRN}/${type}=${name}`;

type Request = SourceScenario['requests'][number];

function request(principal: string, operation: KafkaOperation, resource_type: KafkaResourceType, resource_name: string, host = HOST): Request {
  return { principal, operation, resource_type, resource_name: resource_type === 'CLUSTER' ? CLUSTER_RESOURCE_NAME : resource_name, host };
}

/** Every operation Kafka accepts on the type, for one principal, resource and host. */
function everyOperation(principal: string, resource_type: KafkaResourceType, resource_name: string, host = HOST): Request[] {
  return SUPPORTED_OPERATIONS[resource_type].map((operation) => request(principal, operation, resource_type, resource_name, host));
}

// ---------------------------------------------------------------------------------------------
// Hand-written edge cases

function handWritten(): SourceScenario[] {
  return [
    {
      name: 'an ALLOW of READ, WRITE, DELETE or ALTER implies DESCRIBE; of DESCRIBE, nothing else',
      acls: [
        acl('ALLOW', SA, 'READ', 'TOPIC', 'read-me'),
        acl('ALLOW', SA, 'WRITE', 'TOPIC', 'write-me'),
        acl('ALLOW', SA, 'DELETE', 'TOPIC', 'delete-me'),
        acl('ALLOW', SA, 'ALTER', 'TOPIC', 'alter-me'),
        acl('ALLOW', SA, 'DESCRIBE', 'TOPIC', 'describe-me'),
        acl('ALLOW', SA, 'READ', 'GROUP', 'group-read'),
        acl('ALLOW', SA, 'WRITE', 'TRANSACTIONAL_ID', 'tx-write'),
      ],
      roleBindings: [],
      requests: [
        ...['read-me', 'write-me', 'delete-me', 'alter-me', 'describe-me'].flatMap((name) => everyOperation(SA, 'TOPIC', name)),
        ...everyOperation(SA, 'GROUP', 'group-read'),
        ...everyOperation(SA, 'TRANSACTIONAL_ID', 'tx-write'),
      ],
    },
    {
      name: 'an ALLOW of ALTER_CONFIGS implies DESCRIBE_CONFIGS, not DESCRIBE; DESCRIBE_CONFIGS implies nothing',
      acls: [
        acl('ALLOW', SA, 'ALTER_CONFIGS', 'TOPIC', 'configs'),
        acl('ALLOW', SA, 'DESCRIBE_CONFIGS', 'TOPIC', 'describe-configs'),
        acl('ALLOW', SA, 'ALTER_CONFIGS', 'CLUSTER', CLUSTER_RESOURCE_NAME),
      ],
      roleBindings: [],
      requests: [...everyOperation(SA, 'TOPIC', 'configs'), ...everyOperation(SA, 'TOPIC', 'describe-configs'), ...everyOperation(SA, 'CLUSTER', CLUSTER_RESOURCE_NAME)],
    },
    {
      name: 'a DENY implies nothing: a DENY of READ does not deny DESCRIBE, a DENY of DESCRIBE does not deny READ',
      acls: [
        acl('ALLOW', SA, 'ALL', 'TOPIC', 'orders'),
        acl('DENY', SA, 'READ', 'TOPIC', 'orders'),
        acl('ALLOW', SA, 'READ', 'TOPIC', 'payments'),
        acl('DENY', SA, 'DESCRIBE', 'TOPIC', 'payments'),
        acl('ALLOW', SA, 'ALTER_CONFIGS', 'TOPIC', 'settings'),
        acl('DENY', SA, 'ALTER_CONFIGS', 'TOPIC', 'settings'),
      ],
      roleBindings: [],
      requests: [...everyOperation(SA, 'TOPIC', 'orders'), ...everyOperation(SA, 'TOPIC', 'payments'), ...everyOperation(SA, 'TOPIC', 'settings')],
    },
    {
      name: 'User:* ACLs apply to every principal; a User:* DENY beats a principal’s own ALLOW and role binding',
      acls: [
        acl('ALLOW', 'User:*', 'READ', 'TOPIC', 'public'),
        acl('DENY', 'User:*', 'WRITE', 'TOPIC', 'frozen'),
        acl('ALLOW', SA, 'WRITE', 'TOPIC', 'frozen'),
      ],
      roleBindings: [binding(SA2, 'DeveloperWrite', leafCrn('topic', 'frozen'))],
      requests: [SA, SA2, USER, 'User:*'].flatMap((principal) => [
        request(principal, 'READ', 'TOPIC', 'public'),
        request(principal, 'DESCRIBE', 'TOPIC', 'public'),
        request(principal, 'WRITE', 'TOPIC', 'public'),
        request(principal, 'WRITE', 'TOPIC', 'frozen'),
        request(principal, 'DESCRIBE', 'TOPIC', 'frozen'),
      ]),
    },
    {
      name: 'a LITERAL * matches every name of its type only; PREFIXED matches by prefix, itself included',
      acls: [
        acl('ALLOW', SA, 'READ', 'TOPIC', '*'),
        acl('ALLOW', SA, 'READ', 'GROUP', 'app-', 'PREFIXED'),
        acl('ALLOW', SA, 'WRITE', 'TOPIC', 'ord', 'PREFIXED'),
        acl('DENY', SA, 'WRITE', 'TOPIC', 'orders-secret', 'PREFIXED'),
      ],
      roleBindings: [],
      requests: [
        request(SA, 'READ', 'TOPIC', 'anything'),
        request(SA, 'READ', 'TOPIC', 'orders'),
        request(SA, 'READ', 'GROUP', 'anything'),
        request(SA, 'READ', 'GROUP', 'app-'),
        request(SA, 'READ', 'GROUP', 'app-1'),
        request(SA, 'READ', 'GROUP', 'app'),
        request(SA, 'READ', 'GROUP', 'my-app-1'),
        request(SA, 'READ', 'TRANSACTIONAL_ID', 'anything'),
        request(SA, 'WRITE', 'TOPIC', 'ord'),
        request(SA, 'WRITE', 'TOPIC', 'orders'),
        request(SA, 'WRITE', 'TOPIC', 'or'),
        request(SA, 'WRITE', 'TOPIC', 'xorders'),
        request(SA, 'WRITE', 'TOPIC', 'orders-secret'),
        request(SA, 'WRITE', 'TOPIC', 'orders-secret-eu'),
        request(SA, 'DESCRIBE', 'TOPIC', 'orders-secret-eu'),
        request(SA2, 'READ', 'TOPIC', 'anything'),
      ],
    },
    {
      name: 'host-bound ACLs: an ALLOW only from its host, a DENY only from its host',
      acls: [
        acl('ALLOW', SA, 'READ', 'TOPIC', 'local', 'LITERAL', HOST),
        acl('ALLOW', SA, 'WRITE', 'TOPIC', 'anywhere'),
        acl('DENY', SA, 'WRITE', 'TOPIC', 'anywhere', 'LITERAL', OTHER_HOST),
        acl('DENY', 'User:*', 'READ', 'GROUP', 'g', 'PREFIXED', OTHER_HOST),
      ],
      roleBindings: [binding(SA, 'DeveloperRead', leafCrn('group', 'g*'))],
      requests: [HOST, OTHER_HOST, '192.168.1.1'].flatMap((host) => [
        request(SA, 'READ', 'TOPIC', 'local', host),
        request(SA, 'DESCRIBE', 'TOPIC', 'local', host),
        request(SA, 'WRITE', 'TOPIC', 'anywhere', host),
        request(SA, 'DESCRIBE', 'TOPIC', 'anywhere', host),
        request(SA, 'READ', 'GROUP', 'g1', host),
        request(SA, 'DESCRIBE', 'GROUP', 'g1', host),
      ]),
    },
    {
      name: 'ALL matches every operation, in an ALLOW and in a DENY',
      acls: [
        acl('ALLOW', SA, 'ALL', 'GROUP', 'everything'),
        acl('DENY', SA, 'ALL', 'TOPIC', 'secret'),
        acl('ALLOW', SA, 'ALL', 'TRANSACTIONAL_ID', '*'),
      ],
      roleBindings: [binding(SA, 'CloudClusterAdmin', CLOUD_CLUSTER_CRN)],
      requests: [
        ...everyOperation(SA, 'GROUP', 'everything'),
        ...everyOperation(SA, 'TOPIC', 'secret'),
        ...everyOperation(SA, 'TOPIC', 'public'),
        ...everyOperation(SA, 'TRANSACTIONAL_ID', 'tx'),
        request(SA2, 'READ', 'GROUP', 'everything'),
      ],
    },
    {
      name: 'the CLUSTER resource: ACLs on kafka-cluster, the cluster-scoped roles',
      acls: [acl('ALLOW', SA, 'IDEMPOTENT_WRITE', 'CLUSTER', CLUSTER_RESOURCE_NAME), acl('DENY', USER, 'ALTER', 'CLUSTER', CLUSTER_RESOURCE_NAME)],
      roleBindings: [binding(SA2, 'Operator', CLOUD_CLUSTER_CRN), binding(USER, 'CloudClusterAdmin', CLOUD_CLUSTER_CRN), binding('User:sa-broker', 'KafkaBroker', CLOUD_CLUSTER_CRN)],
      requests: [SA, SA2, USER, 'User:sa-broker'].flatMap((principal) => [
        ...everyOperation(principal, 'CLUSTER', CLUSTER_RESOURCE_NAME),
        request(principal, 'DESCRIBE', 'TOPIC', 'orders'),
        request(principal, 'READ', 'TOPIC', 'orders'),
      ]),
    },
    {
      name: 'TRANSACTIONAL_ID: ACLs, DeveloperWrite on a literal and on a prefix, ResourceOwner',
      acls: [acl('ALLOW', SA, 'WRITE', 'TRANSACTIONAL_ID', 'tx-literal'), acl('DENY', SA2, 'WRITE', 'TRANSACTIONAL_ID', 'tx-', 'PREFIXED')],
      roleBindings: [
        binding(SA, 'DeveloperWrite', leafCrn('transactional-id', 'tx-app*')),
        binding(SA2, 'DeveloperWrite', leafCrn('transactional-id', 'tx-app-1')),
        binding(USER, 'ResourceOwner', leafCrn('transactional-id', 'owned')),
      ],
      requests: [SA, SA2, USER].flatMap((principal) =>
        ['tx-literal', 'tx-app-1', 'tx-app', 'tx-ap', 'owned', 'owned-not'].flatMap((name) => everyOperation(principal, 'TRANSACTIONAL_ID', name)),
      ),
    },
    {
      name: 'roles bound at organization, environment, cloud-cluster and kafka level cover the whole cluster',
      acls: [],
      roleBindings: [
        binding(SA, 'OrganizationAdmin', ORG_CRN),
        binding(SA2, 'EnvironmentAdmin', ENV_CRN),
        binding(USER, 'Operator', KAFKA_CRN),
        binding('User:sa-metrics', 'MetricsViewer', ORG_CRN),
        binding('User:sa-account', 'AccountAdmin', ORG_CRN),
      ],
      requests: [SA, SA2, USER, 'User:sa-metrics', 'User:sa-account'].flatMap((principal) => [
        request(principal, 'READ', 'TOPIC', 'orders'),
        request(principal, 'DESCRIBE', 'TOPIC', 'orders'),
        request(principal, 'READ', 'GROUP', 'app'),
        request(principal, 'WRITE', 'TRANSACTIONAL_ID', 'tx'),
        request(principal, 'CLUSTER_ACTION', 'CLUSTER', CLUSTER_RESOURCE_NAME),
        request(principal, 'DESCRIBE', 'CLUSTER', CLUSTER_RESOURCE_NAME),
      ]),
    },
    {
      name: 'roles bound elsewhere grant nothing here: another environment, cluster, organization, registry or service account',
      acls: [acl('ALLOW', SA, 'ALL', 'TOPIC', '*', 'LITERAL', '*', 'lkc-other1')],
      roleBindings: [
        binding(SA, 'EnvironmentAdmin', buildCrn({ organization: VECTOR_ORGANIZATION, environment: 'env-other1' })),
        binding(SA, 'CloudClusterAdmin', buildCrn({ organization: VECTOR_ORGANIZATION, environment: VECTOR_ENVIRONMENT, cloudCluster: 'lkc-other1' })),
        binding(SA, 'CloudClusterAdmin', buildCrn({ organization: VECTOR_ORGANIZATION, environment: VECTOR_ENVIRONMENT, cloudCluster: 'lkc-vectors' })),
        binding(SA, 'OrganizationAdmin', buildCrn({ organization: '00000000-0000-4000-8000-000000000000' })),
        binding(SA, 'ResourceOwner', buildCrn({ organization: VECTOR_ORGANIZATION, environment: VECTOR_ENVIRONMENT, schemaRegistry: 'lsrc-vector', leaf: { type: 'subject', name: 'orders' } })),
        binding(SA, 'ResourceOwner', buildCrn({ organization: VECTOR_ORGANIZATION, leaf: { type: 'service-account', name: 'sa-vector' } })),
        binding(SA, 'DeveloperRead', `${CLOUD_CLUSTER_CRN}/topic=orders`),
        binding(SA, 'NoSuchRole', CLOUD_CLUSTER_CRN),
        binding(SA, 'OrganizationAdmin', 'crn://elsewhere/organization=x'),
      ],
      requests: [
        ...everyOperation(SA, 'TOPIC', 'orders'),
        request(SA, 'READ', 'GROUP', 'app'),
        request(SA, 'WRITE', 'TRANSACTIONAL_ID', 'tx'),
        request(SA, 'DESCRIBE', 'CLUSTER', CLUSTER_RESOURCE_NAME),
      ],
    },
    {
      name: 'prefix role bindings: on a leaf (topic=ord*, group=*), and prefixes of the environment, cluster and organization',
      acls: [],
      roleBindings: [
        binding(SA, 'DeveloperRead', leafCrn('topic', 'ord*')),
        binding(SA, 'DeveloperRead', leafCrn('group', '*')),
        binding(SA2, 'DeveloperManage', `${ENV_CRN.slice(0, -'vector'.length)}*`),
        binding(USER, 'DeveloperWrite', `${CLOUD_CLUSTER_CRN.slice(0, -'ctor'.length)}*`),
        binding('User:sa-kafka', 'Operator', `${CLOUD_CLUSTER_CRN}/kafka=*`),
        binding('User:sa-orgs', 'ResourceOwner', 'crn://keyward/organization=*'),
        binding('User:sa-miss', 'DeveloperRead', leafCrn('topic', 'x*')),
        binding('User:sa-miss', 'DeveloperRead', `${ENV_CRN}x*`),
      ],
      requests: [SA, SA2, USER, 'User:sa-kafka', 'User:sa-orgs', 'User:sa-miss'].flatMap((principal) => [
        request(principal, 'READ', 'TOPIC', 'ord'),
        request(principal, 'READ', 'TOPIC', 'orders'),
        request(principal, 'READ', 'TOPIC', 'or'),
        request(principal, 'DESCRIBE', 'TOPIC', 'orders'),
        request(principal, 'WRITE', 'TOPIC', 'orders'),
        request(principal, 'CREATE', 'TOPIC', 'orders'),
        request(principal, 'READ', 'GROUP', 'any-group'),
        request(principal, 'DELETE', 'GROUP', 'any-group'),
        request(principal, 'WRITE', 'TRANSACTIONAL_ID', 'tx'),
        request(principal, 'DESCRIBE', 'CLUSTER', CLUSTER_RESOURCE_NAME),
        request(principal, 'IDEMPOTENT_WRITE', 'CLUSTER', CLUSTER_RESOURCE_NAME),
      ]),
    },
    {
      name: 'a DENY ACL beats a role binding; an ACL or binding of another principal changes nothing',
      acls: [acl('DENY', SA, 'READ', 'TOPIC', 'orders'), acl('ALLOW', SA2, 'ALL', 'TOPIC', '*')],
      roleBindings: [binding(SA, 'ResourceOwner', leafCrn('topic', 'orders')), binding(SA2, 'DeveloperRead', leafCrn('group', 'workers'))],
      requests: [SA, SA2].flatMap((principal) => [
        ...everyOperation(principal, 'TOPIC', 'orders'),
        request(principal, 'READ', 'GROUP', 'workers'),
        request(principal, 'DESCRIBE', 'GROUP', 'workers'),
      ]),
    },
    {
      name: 'names are compared exactly: case, dots, dashes, spaces and non-ASCII characters',
      acls: [acl('ALLOW', SA, 'READ', 'GROUP', 'Grüße Gruppe'), acl('ALLOW', SA, 'READ', 'TOPIC', 'a.b', 'PREFIXED')],
      roleBindings: [binding(SA, 'DeveloperWrite', leafCrn('topic', 'Orders')), binding(SA, 'DeveloperRead', leafCrn('group', '日本*'))],
      requests: [
        request(SA, 'READ', 'GROUP', 'Grüße Gruppe'),
        request(SA, 'READ', 'GROUP', 'grüße gruppe'),
        request(SA, 'READ', 'GROUP', 'Grüße'),
        request(SA, 'READ', 'TOPIC', 'a.b.c'),
        request(SA, 'READ', 'TOPIC', 'a_b'),
        request(SA, 'WRITE', 'TOPIC', 'Orders'),
        request(SA, 'WRITE', 'TOPIC', 'orders'),
        request(SA, 'READ', 'GROUP', '日本語'),
        request(SA, 'READ', 'GROUP', '日'),
      ],
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Seeded random scenarios


function picker(random: () => number) {
  return <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
}

const RANDOM_PRINCIPALS = [SA, SA2, USER];
const RANDOM_NAMES = ['a', 'ab', 'abc', 'b', 'ba', 'orders', 'orders-eu'];
const RANDOM_PREFIXES = ['a', 'ab', 'b', 'orders', 'o'];
const RANDOM_HOSTS = [HOST, OTHER_HOST];
const LEAF_SEGMENTS: Record<Exclude<KafkaResourceType, 'CLUSTER'>, 'topic' | 'group' | 'transactional-id'> = {
  TOPIC: 'topic',
  GROUP: 'group',
  TRANSACTIONAL_ID: 'transactional-id',
};

function randomScenario(random: () => number, number: number): SourceScenario {
  const pick = picker(random);
  const acls: KafkaAcl[] = [];
  const aclCount = 2 + Math.floor(random() * 6);
  for (let i = 0; i < aclCount; i++) {
    const resourceType = pick(KAFKA_RESOURCE_TYPES);
    const operation = random() < 0.2 ? 'ALL' : pick(SUPPORTED_OPERATIONS[resourceType]);
    const principal = random() < 0.15 ? 'User:*' : pick(RANDOM_PRINCIPALS);
    const permission = random() < 0.3 ? 'DENY' : 'ALLOW';
    const host = random() < 0.25 ? pick(RANDOM_HOSTS) : '*';
    if (resourceType === 'CLUSTER') {
      acls.push(acl(permission, principal, operation, 'CLUSTER', CLUSTER_RESOURCE_NAME, 'LITERAL', host));
      continue;
    }
    const shape = random();
    if (shape < 0.15) acls.push(acl(permission, principal, operation, resourceType, '*', 'LITERAL', host));
    else if (shape < 0.5) acls.push(acl(permission, principal, operation, resourceType, pick(RANDOM_PREFIXES), 'PREFIXED', host));
    else acls.push(acl(permission, principal, operation, resourceType, pick(RANDOM_NAMES), 'LITERAL', host));
  }

  const roleBindings: RoleBinding[] = [];
  const bindingCount = 1 + Math.floor(random() * 4);
  for (let i = 0; i < bindingCount; i++) {
    const principal = pick(RANDOM_PRINCIPALS);
    const role = pick(ROLE_NAMES);
    const level = random();
    let pattern: string;
    if (level < 0.1) pattern = ORG_CRN;
    else if (level < 0.2) pattern = ENV_CRN;
    else if (level < 0.35) pattern = CLOUD_CLUSTER_CRN;
    else if (level < 0.45) pattern = random() < 0.5 ? KAFKA_CRN : `${CLOUD_CLUSTER_CRN.slice(0, -3)}*`;
    else if (level < 0.5) pattern = buildCrn({ organization: VECTOR_ORGANIZATION, environment: VECTOR_ENVIRONMENT, cloudCluster: 'lkc-other1' });
    else {
      const leaf = LEAF_SEGMENTS[pick(['TOPIC', 'GROUP', 'TRANSACTIONAL_ID'] as const)];
      const shape = random();
      const name = shape < 0.1 ? '*' : shape < 0.45 ? `${pick(RANDOM_PREFIXES)}*` : pick(RANDOM_NAMES);
      pattern = leafCrn(leaf, name);
    }
    roleBindings.push(binding(principal, role, pattern));
  }

  const requests: Request[] = [];
  const requestCount = 14;
  for (let i = 0; i < requestCount; i++) {
    // Most requests aim at something the scenario names, so that grants and denials are exercised, not only misses.
    const near = random() < 0.6 ? pick([...acls, ...roleBindings]) : undefined;
    const resourceType = near !== undefined && 'resource_type' in near ? near.resource_type : pick(KAFKA_RESOURCE_TYPES);
    const operation = near !== undefined && 'operation' in near && near.operation !== 'ALL' && random() < 0.5 ? near.operation : random() < 0.6 ? pick(SUPPORTED_OPERATIONS[resourceType]) : pick(KAFKA_OPERATIONS);
    const principal = near !== undefined && near.principal !== 'User:*' ? near.principal : random() < 0.1 ? 'User:u-nobody' : pick(RANDOM_PRINCIPALS);
    let name = pick(RANDOM_NAMES);
    if (near !== undefined && 'resource_name' in near && near.resource_name !== '*') {
      name = near.pattern_type === 'PREFIXED' && random() < 0.6 ? `${near.resource_name}${pick(['', 'x', '-1'])}` : near.resource_name;
    }
    requests.push(request(principal, operation, resourceType, name, pick(RANDOM_HOSTS)));
  }
  return { name: `seeded random ${number}`, acls, roleBindings, requests };
}

// ---------------------------------------------------------------------------------------------
// Logins

function loginKey(id: string, password: string, overrides: { status?: ReplicaKey['status']; owner?: Partial<ReplicaKey['owner']>; expires_at?: string | null } = {}): ReplicaKey {
  return {
    id,
    secret_sha256: hashSecret(password),
    status: overrides.status ?? 'ACTIVE',
    owner: { id: 'sa-vector', kind: 'service-account', status: 'ACTIVE', ...overrides.owner },
    expires_at: overrides.expires_at === undefined ? null : overrides.expires_at,
  };
}

interface LoginCase {
  name: string;
  key: ReplicaKey | null;
  key_id: string;
  password: string;
}

function loginCases(random: () => number): LoginCase[] {
  const now = Date.parse(VECTOR_NOW);
  const at = (offsetMs: number): string => new Date(now + offsetMs).toISOString();
  const password = 'vector-password-0001';
  const cases: LoginCase[] = [
    { name: 'valid key and secret', key: loginKey('VECTORKEY0000001', password), key_id: 'VECTORKEY0000001', password },
    { name: 'wrong secret', key: loginKey('VECTORKEY0000002', password), key_id: 'VECTORKEY0000002', password: 'vector-password-0002' },
    { name: 'secret differing in case', key: loginKey('VECTORKEY0000003', password), key_id: 'VECTORKEY0000003', password: password.toUpperCase() },
    { name: 'unknown key', key: null, key_id: 'VECTORKEY0000004', password },
    { name: 'key disabled', key: loginKey('VECTORKEY0000005', password, { status: 'DISABLED' }), key_id: 'VECTORKEY0000005', password },
    { name: 'owner disabled', key: loginKey('VECTORKEY0000006', password, { owner: { status: 'DISABLED' } }), key_id: 'VECTORKEY0000006', password },
    { name: 'user-owned key, owner disabled', key: loginKey('VECTORKEY0000007', password, { owner: { id: 'u-vector', kind: 'user', status: 'DISABLED' } }), key_id: 'VECTORKEY0000007', password },
    { name: 'expired a second ago', key: loginKey('VECTORKEY0000008', password, { expires_at: at(-1000) }), key_id: 'VECTORKEY0000008', password },
    { name: 'expires exactly now (expiry is inclusive)', key: loginKey('VECTORKEY0000009', password, { expires_at: at(0) }), key_id: 'VECTORKEY0000009', password },
    { name: 'expires a millisecond from now', key: loginKey('VECTORKEY0000010', password, { expires_at: at(1) }), key_id: 'VECTORKEY0000010', password },
    { name: 'expires in a year', key: loginKey('VECTORKEY0000011', password, { expires_at: at(365 * 86_400_000) }), key_id: 'VECTORKEY0000011', password },
    {
      name: 'wrong secret on a disabled, expired key of a disabled owner: credentials are checked first',
      key: loginKey('VECTORKEY0000012', password, { status: 'DISABLED', owner: { status: 'DISABLED' }, expires_at: at(-1000) }),
      key_id: 'VECTORKEY0000012',
      password: 'wrong',
    },
    {
      name: 'disabled and expired key: status is checked before expiry',
      key: loginKey('VECTORKEY0000013', password, { status: 'DISABLED', expires_at: at(-1000) }),
      key_id: 'VECTORKEY0000013',
      password,
    },
    { name: 'disabled owner and expired key: owner is checked before expiry', key: loginKey('VECTORKEY0000014', password, { owner: { status: 'DISABLED' }, expires_at: at(-1000) }), key_id: 'VECTORKEY0000014', password },
    { name: 'non-ASCII secret (SHA-256 of its UTF-8 bytes)', key: loginKey('VECTORKEY0000015', 'pässwörd-✓-日本'), key_id: 'VECTORKEY0000015', password: 'pässwörd-✓-日本' },
    { name: 'empty secret', key: loginKey('VECTORKEY0000016', ''), key_id: 'VECTORKEY0000016', password: '' },
    { name: 'empty secret presented for a key with a secret', key: loginKey('VECTORKEY0000017', password), key_id: 'VECTORKEY0000017', password: '' },
    { name: 'secret with surrounding spaces is not trimmed', key: loginKey('VECTORKEY0000018', password), key_id: 'VECTORKEY0000018', password: ` ${password} ` },
  ];
  const pick = picker(random);
  for (let i = 0; i < 12; i++) {
    const id = `VECTORRANDOM${String(i).padStart(4, '0')}`;
    const secret = `vector-random-${Math.floor(random() * 1e9).toString(36)}`;
    const key = random() < 0.1 ? null : loginKey(id, secret, {
      status: random() < 0.3 ? 'DISABLED' : 'ACTIVE',
      owner: { status: random() < 0.3 ? 'DISABLED' : 'ACTIVE', kind: pick(['service-account', 'user'] as const) },
      expires_at: random() < 0.4 ? at(Math.floor((random() - 0.5) * 4 * 86_400_000)) : null,
    });
    cases.push({ name: `seeded random login ${i}`, key, key_id: id, password: random() < 0.3 ? `${secret}x` : secret });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// The file

/** The scenarios with their source data (what the answers were computed from), in file order. */
export function sourceScenarios(seed = VECTOR_SEED): SourceScenario[] {
  aclCounter = 0;
  bindingCounter = 0;
  const random = seededRandom(seed);
  const scenarios = handWritten();
  for (let i = 1; i <= 10; i++) scenarios.push(randomScenario(random, i));
  return scenarios;
}

export function generateDecisionVectors(seed = VECTOR_SEED): DecisionVectors {
  const now = new Date(VECTOR_NOW);
  const random = seededRandom(seed ^ 0x5eed);
  return {
    generated_by: 'npm run vectors',
    cluster: VECTOR_CLUSTER,
    now: VECTOR_NOW,
    authorizations: sourceScenarios(seed).map(answer),
    logins: loginCases(random).map((login) => ({ ...login, result: checkLogin(login.key, login.key_id, login.password, now) })),
  };
}

/** The file's text: one request or login per line, so a change in one answer is one line of diff. */
export function serializeDecisionVectors(vectors: DecisionVectors): string {
  const lines: string[] = ['{'];
  lines.push(`  "generated_by": ${JSON.stringify(vectors.generated_by)},`);
  lines.push(`  "cluster": ${JSON.stringify(vectors.cluster)},`);
  lines.push(`  "now": ${JSON.stringify(vectors.now)},`);
  lines.push('  "authorizations": [');
  vectors.authorizations.forEach((scenario, index) => {
    lines.push('    {');
    lines.push(`      "name": ${JSON.stringify(scenario.name)},`);
    lines.push(`      "grants": [${scenario.grants.length === 0 ? ']' : ''}`);
    scenario.grants.forEach((grant, i) => lines.push(`        ${JSON.stringify(grant)}${i < scenario.grants.length - 1 ? ',' : ''}`));
    if (scenario.grants.length > 0) lines.push('      ],');
    else lines[lines.length - 1] += ',';
    lines.push('      "requests": [');
    scenario.requests.forEach((r, i) => lines.push(`        ${JSON.stringify(r)}${i < scenario.requests.length - 1 ? ',' : ''}`));
    lines.push('      ]');
    lines.push(`    }${index < vectors.authorizations.length - 1 ? ',' : ''}`);
  });
  lines.push('  ],');
  lines.push('  "logins": [');
  vectors.logins.forEach((login, i) => lines.push(`    ${JSON.stringify(login)}${i < vectors.logins.length - 1 ? ',' : ''}`));
  lines.push('  ]');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
