import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HTTPMethods, LightMyRequestResponse } from 'fastify';
import { DIALECTS } from '../helpers/databases.js';
import { buildRoleBindingCrnPattern, type RoleBindingScope } from '../../src/domain/authz/crn-pattern.js';
import {
  createEnvironment, createKafkaCluster, createKey, createServiceAccount, createUser, expectNoLeaks, startHarness,
  type ApiHarness, type Credentials,
} from './support.js';

/**
 * The permission matrix: every management route × every role of DESIGN §5, against an expected
 * outcome written down here from DESIGN §5 (not read from the implementation).
 *
 * The world: environments A and B; Kafka clusters lkcA (in A) and lkcB (in B); a Schema Registry
 * cluster lsrcA (in A); service accounts saA and saB; a plain user X. One principal per role, each
 * a user with its own cloud key:
 *
 *   OrganizationAdmin    organization          AccountAdmin     organization
 *   EnvironmentAdmin     environment A         CloudClusterAdmin lkcA
 *   ResourceOwner        ServiceAccount:saA    Operator         lkcA
 *   DeveloperManage/Read/Write  Topic:orders on lkcA
 *   MetricsViewer        organization          NoBinding        (nothing)
 *
 * Destructive cases act on fresh objects. Where a role's scope is the object itself (a cluster, a
 * service account, an environment), the role's principal is first bound to the fresh object the
 * same way, so the case asks "may the role do this to *its* object?".
 */

const ROLES = [
  'OrganizationAdmin', 'AccountAdmin', 'EnvironmentAdmin', 'CloudClusterAdmin', 'ResourceOwner',
  'DeveloperManage', 'DeveloperRead', 'DeveloperWrite', 'Operator', 'MetricsViewer', 'NoBinding',
] as const;
type Role = (typeof ROLES)[number];

/** The shorthand of the expected-outcome table. */
const OA = 'OrganizationAdmin';
const AA = 'AccountAdmin';
const EA = 'EnvironmentAdmin';
const CCA = 'CloudClusterAdmin';
const RO = 'ResourceOwner';
const MV = 'MetricsViewer';
const EVERYONE = 'everyone';
const NOBODY: readonly Role[] = [];

interface Principal {
  id: string;
  auth: Credentials;
}

interface Scope {
  env: string;
  cluster?: string;
  sa?: string;
}

interface World {
  org: string;
  envA: string;
  envB: string;
  lkcA: string;
  lkcB: string;
  lsrcA: string;
  saA: string;
  saB: string;
  /** The principal of role bindings and ACLs that are targets; it never authenticates. */
  grantee: string;
  userX: Principal;
  principals: Record<Role, Principal>;
  keys: { saA_lkcA: string; saA_lkcB: string; saB_lkcA: string; saB_lkcB: string; saB_lsrcA: string; saB_cloud: string; userX_cloud: string };
  bindings: { inLkcA: string; inLkcB: string; onSaA: string };
}

/** How each role's principal is bound, relative to a scope. */
const BINDING: Record<Role, ((s: Scope) => Omit<RoleBindingScope, 'organization'> | undefined) | undefined> = {
  OrganizationAdmin: () => ({}),
  AccountAdmin: () => ({}),
  EnvironmentAdmin: (s) => ({ environment: s.env }),
  CloudClusterAdmin: (s) => (s.cluster ? { environment: s.env, cloudCluster: s.cluster } : undefined),
  ResourceOwner: (s) => (s.sa ? { resource: `ServiceAccount:${s.sa}` } : undefined),
  DeveloperManage: (s) => (s.cluster ? { environment: s.env, kafkaCluster: s.cluster, resource: 'Topic:orders' } : undefined),
  DeveloperRead: (s) => (s.cluster ? { environment: s.env, kafkaCluster: s.cluster, resource: 'Topic:orders' } : undefined),
  DeveloperWrite: (s) => (s.cluster ? { environment: s.env, kafkaCluster: s.cluster, resource: 'Topic:orders' } : undefined),
  Operator: (s) => (s.cluster ? { environment: s.env, cloudCluster: s.cluster } : undefined),
  MetricsViewer: () => ({}),
  NoBinding: undefined,
};

interface Request {
  url: string;
  payload?: unknown;
}

interface Row {
  /** `METHOD path`, the path as Fastify registers it. */
  route: string;
  /** What the route asks the authorizer (for the report; the outcome comes from `allow`). */
  permission: string;
  target: string;
  /** The status of an allowed request. */
  ok: number;
  /** A target the caller may not read is reported as missing (DESIGN §9): a denial may be 404 as well as 403. */
  hidden?: boolean;
  allow: readonly Role[] | typeof EVERYONE;
  prepare(role: Role, h: ApiHarness, w: World): Promise<Request>;
}

let counter = 0;
const fresh = (what: string) => `${what}-${++counter}`;

const fixed = (url: (w: World, role: Role) => string, payload?: unknown) => async (role: Role, _h: ApiHarness, w: World): Promise<Request> => ({ url: url(w, role), payload });

async function bind(h: ApiHarness, principal: string, role: string, scope: Omit<RoleBindingScope, 'organization'>): Promise<string> {
  const crnPattern = buildRoleBindingCrnPattern(role, { organization: h.admin.organization, ...scope });
  const res = await h.call({ method: 'POST', url: '/iam/v2/role-bindings', payload: { principal, role_name: role, crn_pattern: crnPattern } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** Binds the role's principal to a fresh scope the way it is bound to its main one (when that differs). */
async function rebind(h: ApiHarness, w: World, role: Role, scope: Scope): Promise<void> {
  const build = BINDING[role];
  const main = build?.({ env: w.envA, cluster: w.lkcA, sa: w.saA });
  const wanted = build?.(scope);
  if (role === 'NoBinding' || wanted === undefined || main === undefined) return;
  const patternOf = (s: Omit<RoleBindingScope, 'organization'>) => buildRoleBindingCrnPattern(role, { organization: w.org, ...s });
  if (patternOf(wanted) === patternOf(main)) return;
  await bind(h, `User:${w.principals[role].id}`, role, wanted);
}

async function freshSchemaRegistry(h: ApiHarness, environment: string): Promise<string> {
  const res = await h.call({ method: 'POST', url: '/srcm/v2/clusters', payload: { spec: { display_name: fresh('sr'), cloud: 'aws', region: 'us-east-1', environment: { id: environment } } } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function freshAcl(h: ApiHarness, w: World, cluster: string): Promise<string> {
  const topic = fresh('acl-topic');
  const res = await h.call({
    method: 'POST',
    url: `/kafka/v3/clusters/${cluster}/acls`,
    payload: { principal: `User:${w.grantee}`, permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC', resource_name: topic, pattern_type: 'LITERAL' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return topic;
}

/** Keys under test, by owner and resource: the fixed one (read, update) or a fresh one (delete, disable, enable, rotate). */
type KeyTarget = 'own' | 'saA@lkcA' | 'saA@lkcB' | 'saB@lkcA' | 'saB@lkcB' | 'userX@cloud';

const KEY_READERS: Record<KeyTarget, readonly Role[] | typeof EVERYONE> = {
  // A user may always manage their own keys.
  own: EVERYONE,
  // AccountAdmin: every user's and service account's keys; ResourceOwner on saA: its keys;
  // EnvironmentAdmin (A) and CloudClusterAdmin (lkcA): the keys on their clusters.
  'saA@lkcA': [OA, AA, EA, CCA, RO],
  'saA@lkcB': [OA, AA, RO],
  'saB@lkcA': [OA, AA, EA, CCA],
  'saB@lkcB': [OA, AA],
  'userX@cloud': [OA, AA],
};

function fixedKey(target: KeyTarget, w: World, role: Role): string {
  switch (target) {
    case 'own':
      return w.principals[role].auth.key;
    case 'saA@lkcA':
      return w.keys.saA_lkcA;
    case 'saA@lkcB':
      return w.keys.saA_lkcB;
    case 'saB@lkcA':
      return w.keys.saB_lkcA;
    case 'saB@lkcB':
      return w.keys.saB_lkcB;
    case 'userX@cloud':
      return w.keys.userX_cloud;
  }
}

async function freshKey(target: KeyTarget, h: ApiHarness, w: World, role: Role): Promise<string> {
  switch (target) {
    case 'own':
      return (await createKey(h, 'cloud', { auth: w.principals[role].auth })).key;
    case 'userX@cloud':
      return (await createKey(h, 'cloud', { auth: w.userX.auth })).key;
    default: {
      const [owner, cluster] = target.split('@') as ['saA' | 'saB', 'lkcA' | 'lkcB'];
      return (await createKey(h, w[cluster], { owner: w[owner] })).key;
    }
  }
}

const KEY_TARGETS = Object.keys(KEY_READERS) as KeyTarget[];

/** Who may issue a key like the target (create or rotate): its managers who may also read its cluster (cluster:read). */
const KEY_ISSUERS: Record<KeyTarget, readonly Role[] | typeof EVERYONE> = {
  own: EVERYONE, // the roles' own keys here are cloud keys
  'saA@lkcA': [OA, EA, CCA],
  'saA@lkcB': [OA],
  'saB@lkcA': [OA, EA, CCA],
  'saB@lkcB': [OA],
  'userX@cloud': [OA, AA],
};

function keyRows(): Row[] {
  const rows: Row[] = [];
  for (const target of KEY_TARGETS) {
    const allow = KEY_READERS[target];
    rows.push(
      { route: 'GET /iam/v2/api-keys/:id', permission: 'api-key:read', target, ok: 200, hidden: true, allow, prepare: fixed((w, role) => `/iam/v2/api-keys/${fixedKey(target, w, role)}`) },
      // usage is read like the key itself: whoever may describe it (404 for anyone else, as for describe)
      { route: 'GET /keyward/v1/api-keys/:id/usage', permission: 'api-key:read', target, ok: 200, hidden: true, allow, prepare: fixed((w, role) => `/keyward/v1/api-keys/${fixedKey(target, w, role)}/usage`) },
      {
        route: 'PATCH /iam/v2/api-keys/:id', permission: 'api-key:manage', target, ok: 200, hidden: true, allow,
        prepare: fixed((w, role) => `/iam/v2/api-keys/${fixedKey(target, w, role)}`, { spec: { description: 'described' } }),
      },
      {
        route: 'DELETE /iam/v2/api-keys/:id', permission: 'api-key:manage', target, ok: 204, hidden: true, allow,
        prepare: async (role, h, w) => ({ url: `/iam/v2/api-keys/${await freshKey(target, h, w, role)}` }),
      },
      {
        route: 'POST /keyward/v1/api-keys/:id/disable', permission: 'api-key:manage', target, ok: 200, hidden: true, allow,
        prepare: async (role, h, w) => ({ url: `/keyward/v1/api-keys/${await freshKey(target, h, w, role)}/disable` }),
      },
      {
        route: 'POST /keyward/v1/api-keys/:id/enable', permission: 'api-key:manage', target, ok: 200, hidden: true, allow,
        prepare: async (role, h, w) => {
          const key = await freshKey(target, h, w, role);
          // Disabled by whoever may: its owner for a user's key; for a service account's, the role
          // itself where it manages the key (only a principal with the disabler's authority enables a
          // key again, DESIGN §9), else the admin.
          const manages = allow === EVERYONE || allow.includes(role);
          const auth = target === 'own' ? w.principals[role].auth : target === 'userX@cloud' ? w.userX.auth : manages ? w.principals[role].auth : undefined;
          const res = await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${key}/disable`, ...(auth ? { auth } : {}) });
          expect(res.statusCode, res.body).toBe(200);
          return { url: `/keyward/v1/api-keys/${key}/enable` };
        },
      },
      {
        // Rotating issues a new key with the old key's owner: for another user's key that is
        // creating a key for another user, which nobody may do (DESIGN §5); and, as creating, it
        // needs read access to the key's cluster (DESIGN §9).
        route: 'POST /keyward/v1/api-keys/:id/rotate', permission: 'api-key:manage (+ no keys for another user, + cluster:read)', target, ok: 201, hidden: true,
        allow: target === 'userX@cloud' ? NOBODY : KEY_ISSUERS[target],
        prepare: async (role, h, w) => ({ url: `/keyward/v1/api-keys/${await freshKey(target, h, w, role)}/rotate`, payload: {} }),
      },
    );
  }
  return rows;
}

/** Who may create a key, by owner and resource (`POST /iam/v2/api-keys`). */
function keyCreationRows(): Row[] {
  // A key on a cluster needs read access to it (DESIGN §9): where the caller may not read the
  // cluster, it is missing (404), as in GET; so AccountAdmin and ResourceOwner issue cloud keys only.
  const create = (target: string, allow: Row['allow'], spec: (w: World, role: Role) => Record<string, unknown>): Row => ({
    route: 'POST /iam/v2/api-keys', permission: 'api-key:manage on owner or cluster, cluster:read', target, ok: 201, hidden: true, allow,
    prepare: async (role, _h, w) => ({ url: '/iam/v2/api-keys', payload: { spec: spec(w, role) } }),
  });
  return [
    create('own cloud key', EVERYONE, () => ({ resource: { id: 'cloud' } })),
    create('own key on lkcA', [OA, EA, CCA, 'Operator'], (w) => ({ resource: { id: w.lkcA } })),
    create('own key on lkcB', [OA], (w) => ({ resource: { id: w.lkcB } })),
    // nobody, not even OrganizationAdmin, creates keys for another user
    create('key for user X', NOBODY, (w) => ({ resource: { id: 'cloud' }, owner: { id: w.userX.id } })),
    create('key for user X on lkcA', NOBODY, (w) => ({ resource: { id: w.lkcA }, owner: { id: w.userX.id } })),
    create('key for saA on lkcA', KEY_ISSUERS['saA@lkcA'], (w) => ({ resource: { id: w.lkcA }, owner: { id: w.saA } })),
    create('key for saA on lkcB', KEY_ISSUERS['saA@lkcB'], (w) => ({ resource: { id: w.lkcB }, owner: { id: w.saA } })),
    create('key for saA (cloud)', [OA, AA, RO], (w) => ({ resource: { id: 'cloud' }, owner: { id: w.saA } })),
    create('key for saB on lkcA', KEY_ISSUERS['saB@lkcA'], (w) => ({ resource: { id: w.lkcA }, owner: { id: w.saB } })),
    create('key for saB on lsrcA', [OA, EA], (w) => ({ resource: { id: w.lsrcA }, owner: { id: w.saB } })),
    create('key for saB on lkcB', KEY_ISSUERS['saB@lkcB'], (w) => ({ resource: { id: w.lkcB }, owner: { id: w.saB } })),
    create('key for saB (cloud)', [OA, AA], (w) => ({ resource: { id: 'cloud' }, owner: { id: w.saB } })),
  ];
}

/** The expected-outcome table (DESIGN §5). `allow` lists who may; everyone else is refused. */
const ROWS: Row[] = [
  // --- environments: OrganizationAdmin; EnvironmentAdmin inside its environment
  { route: 'GET /org/v2/environments', permission: 'environment:read (filtered list)', target: 'all', ok: 200, allow: EVERYONE, prepare: fixed(() => '/org/v2/environments') },
  {
    route: 'POST /org/v2/environments', permission: 'environment:manage on organization', target: 'new environment', ok: 201, allow: [OA],
    prepare: async () => ({ url: '/org/v2/environments', payload: { display_name: fresh('env') } }),
  },
  { route: 'GET /org/v2/environments/:id', permission: 'environment:read', target: 'environment A', ok: 200, hidden: true, allow: [OA, EA], prepare: fixed((w) => `/org/v2/environments/${w.envA}`) },
  { route: 'GET /org/v2/environments/:id', permission: 'environment:read', target: 'environment B', ok: 200, hidden: true, allow: [OA], prepare: fixed((w) => `/org/v2/environments/${w.envB}`) },
  {
    route: 'PATCH /org/v2/environments/:id', permission: 'environment:manage', target: 'environment A', ok: 200, hidden: true, allow: [OA, EA],
    prepare: fixed((w) => `/org/v2/environments/${w.envA}`, { display_name: 'env-a' }),
  },
  {
    route: 'PATCH /org/v2/environments/:id', permission: 'environment:manage', target: 'environment B', ok: 200, hidden: true, allow: [OA],
    prepare: fixed((w) => `/org/v2/environments/${w.envB}`, { display_name: 'env-b' }),
  },
  {
    route: 'DELETE /org/v2/environments/:id', permission: 'environment:manage', target: "a fresh empty environment (EnvironmentAdmin's)", ok: 204, hidden: true, allow: [OA, EA],
    prepare: async (role, h, w) => {
      const env = await createEnvironment(h, fresh('doomed-env'));
      await rebind(h, w, role, { env });
      return { url: `/org/v2/environments/${env}` };
    },
  },
  {
    route: 'DELETE /org/v2/environments/:id', permission: 'environment:manage', target: 'a fresh empty environment (nobody’s)', ok: 204, hidden: true, allow: [OA],
    prepare: async (_role, h) => ({ url: `/org/v2/environments/${await createEnvironment(h, fresh('other-env'))}` }),
  },

  // --- Kafka clusters: EnvironmentAdmin creates and manages inside its environment; CloudClusterAdmin
  // manages its cluster; Operator describes it
  { route: 'GET /cmk/v2/clusters', permission: 'cluster:read (filtered list)', target: 'all', ok: 200, allow: EVERYONE, prepare: fixed(() => '/cmk/v2/clusters') },
  {
    route: 'POST /cmk/v2/clusters', permission: 'cluster:manage on environment', target: 'new cluster in A', ok: 201, hidden: true, allow: [OA, EA],
    prepare: async (_role, _h, w) => ({ url: '/cmk/v2/clusters', payload: { spec: { display_name: fresh('lkc'), cloud: 'aws', region: 'us-east-1', environment: { id: w.envA } } } }),
  },
  {
    route: 'POST /cmk/v2/clusters', permission: 'cluster:manage on environment', target: 'new cluster in B', ok: 201, hidden: true, allow: [OA],
    prepare: async (_role, _h, w) => ({ url: '/cmk/v2/clusters', payload: { spec: { display_name: fresh('lkc'), cloud: 'aws', region: 'us-east-1', environment: { id: w.envB } } } }),
  },
  { route: 'GET /cmk/v2/clusters/:id', permission: 'cluster:read', target: 'lkcA', ok: 200, hidden: true, allow: [OA, EA, CCA, 'Operator'], prepare: fixed((w) => `/cmk/v2/clusters/${w.lkcA}`) },
  { route: 'GET /cmk/v2/clusters/:id', permission: 'cluster:read', target: 'lkcB', ok: 200, hidden: true, allow: [OA], prepare: fixed((w) => `/cmk/v2/clusters/${w.lkcB}`) },
  { route: 'GET /keyward/v1/kafka/clusters/:id/brokers', permission: 'cluster:read', target: 'lkcA', ok: 200, hidden: true, allow: [OA, EA, CCA, 'Operator'], prepare: fixed((w) => `/keyward/v1/kafka/clusters/${w.lkcA}/brokers`) },
  { route: 'GET /keyward/v1/kafka/clusters/:id/brokers', permission: 'cluster:read', target: 'lkcB', ok: 200, hidden: true, allow: [OA], prepare: fixed((w) => `/keyward/v1/kafka/clusters/${w.lkcB}/brokers`) },
  {
    route: 'PATCH /cmk/v2/clusters/:id', permission: 'cluster:manage', target: 'lkcA', ok: 200, hidden: true, allow: [OA, EA, CCA],
    prepare: fixed((w) => `/cmk/v2/clusters/${w.lkcA}`, { spec: { display_name: 'cluster-a' } }),
  },
  {
    route: 'PATCH /cmk/v2/clusters/:id', permission: 'cluster:manage', target: 'lkcB', ok: 200, hidden: true, allow: [OA],
    prepare: fixed((w) => `/cmk/v2/clusters/${w.lkcB}`, { spec: { display_name: 'cluster-b' } }),
  },
  {
    route: 'DELETE /cmk/v2/clusters/:id', permission: 'cluster:manage', target: "a fresh cluster in A (the role's own)", ok: 204, hidden: true, allow: [OA, EA, CCA],
    prepare: async (role, h, w) => {
      const cluster = await createKafkaCluster(h, fresh('doomed-lkc'), w.envA);
      await rebind(h, w, role, { env: w.envA, cluster, sa: w.saA });
      return { url: `/cmk/v2/clusters/${cluster}` };
    },
  },
  {
    route: 'DELETE /cmk/v2/clusters/:id', permission: 'cluster:manage', target: 'a fresh cluster in B', ok: 204, hidden: true, allow: [OA],
    prepare: async (_role, h, w) => ({ url: `/cmk/v2/clusters/${await createKafkaCluster(h, fresh('doomed-lkc'), w.envB)}` }),
  },

  // --- Schema Registry clusters: inside the environment
  { route: 'GET /srcm/v2/clusters', permission: 'cluster:read (filtered list)', target: 'all', ok: 200, allow: EVERYONE, prepare: fixed(() => '/srcm/v2/clusters') },
  {
    route: 'POST /srcm/v2/clusters', permission: 'cluster:manage on environment', target: 'new registry in A', ok: 201, hidden: true, allow: [OA, EA],
    prepare: async (_role, _h, w) => ({ url: '/srcm/v2/clusters', payload: { spec: { display_name: fresh('sr'), cloud: 'aws', region: 'us-east-1', environment: { id: w.envA } } } }),
  },
  {
    route: 'POST /srcm/v2/clusters', permission: 'cluster:manage on environment', target: 'new registry in B', ok: 201, hidden: true, allow: [OA],
    prepare: async (_role, _h, w) => ({ url: '/srcm/v2/clusters', payload: { spec: { display_name: fresh('sr'), cloud: 'aws', region: 'us-east-1', environment: { id: w.envB } } } }),
  },
  { route: 'GET /srcm/v2/clusters/:id', permission: 'cluster:read', target: 'lsrcA', ok: 200, hidden: true, allow: [OA, EA], prepare: fixed((w) => `/srcm/v2/clusters/${w.lsrcA}`) },
  {
    route: 'DELETE /srcm/v2/clusters/:id', permission: 'cluster:manage', target: 'a fresh registry in A', ok: 204, hidden: true, allow: [OA, EA],
    prepare: async (_role, h, w) => ({ url: `/srcm/v2/clusters/${await freshSchemaRegistry(h, w.envA)}` }),
  },
  {
    route: 'DELETE /srcm/v2/clusters/:id', permission: 'cluster:manage', target: 'a fresh registry in B', ok: 204, hidden: true, allow: [OA],
    prepare: async (_role, h, w) => ({ url: `/srcm/v2/clusters/${await freshSchemaRegistry(h, w.envB)}` }),
  },

  // --- users: OrganizationAdmin, AccountAdmin; everyone reads and renames themselves
  { route: 'GET /iam/v2/users', permission: 'user:read (filtered list)', target: 'all', ok: 200, allow: EVERYONE, prepare: fixed(() => '/iam/v2/users') },
  {
    route: 'POST /iam/v2/users', permission: 'user:manage on organization', target: 'new user', ok: 201, allow: [OA, AA],
    prepare: async () => ({ url: '/iam/v2/users', payload: { email: `${fresh('new')}@example.com`, full_name: 'New' } }),
  },
  { route: 'GET /iam/v2/users/:id', permission: 'user:read', target: 'user X', ok: 200, hidden: true, allow: [OA, AA], prepare: fixed((w) => `/iam/v2/users/${w.userX.id}`) },
  { route: 'GET /iam/v2/users/:id', permission: 'user:read (self)', target: 'self', ok: 200, hidden: true, allow: EVERYONE, prepare: fixed((w, role) => `/iam/v2/users/${w.principals[role].id}`) },
  {
    route: 'PATCH /iam/v2/users/:id', permission: 'user:manage', target: 'user X', ok: 200, hidden: true, allow: [OA, AA],
    prepare: fixed((w) => `/iam/v2/users/${w.userX.id}`, { full_name: 'User X' }),
  },
  {
    route: 'PATCH /iam/v2/users/:id', permission: 'user:manage (self)', target: 'self', ok: 200, hidden: true, allow: EVERYONE,
    prepare: fixed((w, role) => `/iam/v2/users/${w.principals[role].id}`, { full_name: 'Renamed Myself' }),
  },
  {
    route: 'DELETE /iam/v2/users/:id', permission: 'user:manage', target: 'a fresh user', ok: 204, hidden: true, allow: [OA, AA],
    prepare: async (_role, h) => ({ url: `/iam/v2/users/${(await createUser(h, `${fresh('doomed')}@example.com`)).id}` }),
  },

  // --- service accounts: OrganizationAdmin, AccountAdmin; ResourceOwner on one reads it (and manages its keys)
  { route: 'GET /iam/v2/service-accounts', permission: 'service-account:read (filtered list)', target: 'all', ok: 200, allow: EVERYONE, prepare: fixed(() => '/iam/v2/service-accounts') },
  {
    route: 'POST /iam/v2/service-accounts', permission: 'service-account:manage on organization', target: 'new account', ok: 201, allow: [OA, AA],
    prepare: async () => ({ url: '/iam/v2/service-accounts', payload: { display_name: fresh('new-sa'), description: 'd' } }),
  },
  { route: 'GET /iam/v2/service-accounts/:id', permission: 'service-account:read', target: 'saA', ok: 200, hidden: true, allow: [OA, AA, RO], prepare: fixed((w) => `/iam/v2/service-accounts/${w.saA}`) },
  { route: 'GET /iam/v2/service-accounts/:id', permission: 'service-account:read', target: 'saB', ok: 200, hidden: true, allow: [OA, AA], prepare: fixed((w) => `/iam/v2/service-accounts/${w.saB}`) },
  {
    route: 'PATCH /iam/v2/service-accounts/:id', permission: 'service-account:manage', target: 'saA', ok: 200, hidden: true, allow: [OA, AA],
    prepare: fixed((w) => `/iam/v2/service-accounts/${w.saA}`, { description: 'account A' }),
  },
  ...(['DELETE /iam/v2/service-accounts/:id', 'POST /keyward/v1/service-accounts/:id/disable', 'POST /keyward/v1/service-accounts/:id/enable'] as const).map(
    (route): Row => ({
      route, permission: 'service-account:manage', target: "a fresh account (ResourceOwner's)", ok: route.startsWith('DELETE') ? 204 : 200, hidden: true, allow: [OA, AA],
      prepare: async (role, h, w) => {
        const sa = await createServiceAccount(h, fresh('doomed-sa'));
        await rebind(h, w, role, { env: w.envA, cluster: w.lkcA, sa });
        if (route.endsWith('/enable')) expect((await h.call({ method: 'POST', url: `/keyward/v1/service-accounts/${sa}/disable` })).statusCode).toBe(200);
        const path = route.split(' ')[1]!.replace(':id', sa);
        return { url: path };
      },
    }),
  ),

  // --- API keys
  { route: 'GET /iam/v2/api-keys', permission: 'api-key:read (filtered list)', target: 'all', ok: 200, allow: EVERYONE, prepare: fixed(() => '/iam/v2/api-keys') },
  // the organization's usage sums the keys the caller may read (the list's visibility): never refused
  { route: 'GET /keyward/v1/usage', permission: 'api-key:read (filtered, as the key list)', target: 'all', ok: 200, allow: EVERYONE, prepare: fixed(() => '/keyward/v1/usage') },
  ...keyCreationRows(),
  ...keyRows(),

  // --- role bindings: OrganizationAdmin; EnvironmentAdmin inside its environment; ResourceOwner on its
  // resource. CloudClusterAdmin may read (not manage) the bindings on its cluster.
  { route: 'GET /iam/v2/role-bindings', permission: 'role-binding:read (filtered list)', target: 'all', ok: 200, allow: EVERYONE, prepare: fixed(() => '/iam/v2/role-bindings') },
  {
    route: 'POST /iam/v2/role-bindings', permission: 'role-binding:manage', target: 'DeveloperRead on a topic of lkcA', ok: 201, allow: [OA, EA],
    prepare: async (_role, h, w) => ({ url: '/iam/v2/role-bindings', payload: await bindingBody(h, w, 'DeveloperRead', { environment: w.envA, kafkaCluster: w.lkcA, resource: `Topic:${fresh('t')}` }) }),
  },
  {
    route: 'POST /iam/v2/role-bindings', permission: 'role-binding:manage', target: 'DeveloperRead on a topic of lkcB', ok: 201, allow: [OA],
    prepare: async (_role, h, w) => ({ url: '/iam/v2/role-bindings', payload: await bindingBody(h, w, 'DeveloperRead', { environment: w.envB, kafkaCluster: w.lkcB, resource: `Topic:${fresh('t')}` }) }),
  },
  {
    route: 'POST /iam/v2/role-bindings', permission: 'role-binding:manage', target: 'CloudClusterAdmin on lkcA', ok: 201, allow: [OA, EA],
    prepare: async (_role, h, w) => ({ url: '/iam/v2/role-bindings', payload: await bindingBody(h, w, 'CloudClusterAdmin', { environment: w.envA, cloudCluster: w.lkcA }) }),
  },
  {
    route: 'POST /iam/v2/role-bindings', permission: 'role-binding:manage', target: 'ResourceOwner on saA', ok: 201, allow: [OA, RO],
    prepare: async (_role, h, w) => ({ url: '/iam/v2/role-bindings', payload: await bindingBody(h, w, 'ResourceOwner', { resource: `ServiceAccount:${w.saA}` }) }),
  },
  {
    route: 'POST /iam/v2/role-bindings', permission: 'role-binding:manage', target: 'OrganizationAdmin', ok: 201, allow: [OA],
    prepare: async (_role, h, w) => ({ url: '/iam/v2/role-bindings', payload: await bindingBody(h, w, 'OrganizationAdmin', {}) }),
  },
  { route: 'GET /iam/v2/role-bindings/:id', permission: 'role-binding:read', target: 'a binding on a topic of lkcA', ok: 200, hidden: true, allow: [OA, EA, CCA], prepare: fixed((w) => `/iam/v2/role-bindings/${w.bindings.inLkcA}`) },
  { route: 'GET /iam/v2/role-bindings/:id', permission: 'role-binding:read', target: 'a binding on a topic of lkcB', ok: 200, hidden: true, allow: [OA], prepare: fixed((w) => `/iam/v2/role-bindings/${w.bindings.inLkcB}`) },
  { route: 'GET /iam/v2/role-bindings/:id', permission: 'role-binding:read', target: 'ResourceOwner on saA', ok: 200, hidden: true, allow: [OA, RO], prepare: fixed((w) => `/iam/v2/role-bindings/${w.bindings.onSaA}`) },
  {
    route: 'DELETE /iam/v2/role-bindings/:id', permission: 'role-binding:manage', target: 'a fresh binding on a topic of lkcA', ok: 204, hidden: true, allow: [OA, EA],
    prepare: async (_role, h, w) => ({ url: `/iam/v2/role-bindings/${await bind(h, `User:${await createServiceAccount(h, fresh('p'))}`, 'DeveloperRead', { environment: w.envA, kafkaCluster: w.lkcA, resource: 'Topic:x' })}` }),
  },
  {
    route: 'DELETE /iam/v2/role-bindings/:id', permission: 'role-binding:manage', target: 'a fresh binding on a topic of lkcB', ok: 204, hidden: true, allow: [OA],
    prepare: async (_role, h, w) => ({ url: `/iam/v2/role-bindings/${await bind(h, `User:${await createServiceAccount(h, fresh('p'))}`, 'DeveloperRead', { environment: w.envB, kafkaCluster: w.lkcB, resource: 'Topic:x' })}` }),
  },
  {
    route: 'DELETE /iam/v2/role-bindings/:id', permission: 'role-binding:manage', target: 'a fresh ResourceOwner binding on saA', ok: 204, hidden: true, allow: [OA, RO],
    prepare: async (_role, h, w) => ({ url: `/iam/v2/role-bindings/${await bind(h, `User:${await createServiceAccount(h, fresh('p'))}`, 'ResourceOwner', { resource: `ServiceAccount:${w.saA}` })}` }),
  },

  // --- Kafka ACLs: OrganizationAdmin; EnvironmentAdmin and CloudClusterAdmin on the cluster
  { route: 'GET /kafka/v3/clusters/:cluster_id/acls', permission: 'acl:read', target: 'lkcA', ok: 200, hidden: true, allow: [OA, EA, CCA], prepare: fixed((w) => `/kafka/v3/clusters/${w.lkcA}/acls`) },
  { route: 'GET /kafka/v3/clusters/:cluster_id/acls', permission: 'acl:read', target: 'lkcB', ok: 200, hidden: true, allow: [OA], prepare: fixed((w) => `/kafka/v3/clusters/${w.lkcB}/acls`) },
  ...(['lkcA', 'lkcB'] as const).map(
    (cluster): Row => ({
      route: 'POST /kafka/v3/clusters/:cluster_id/acls', permission: 'acl:manage', target: cluster, ok: 201, hidden: true, allow: cluster === 'lkcA' ? [OA, EA, CCA] : [OA],
      prepare: async (_role, _h, w) => ({
        url: `/kafka/v3/clusters/${w[cluster]}/acls`,
        payload: { principal: `User:${w.grantee}`, permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC', resource_name: fresh('topic'), pattern_type: 'LITERAL' },
      }),
    }),
  ),
  ...(['lkcA', 'lkcB'] as const).map(
    (cluster): Row => ({
      route: 'DELETE /kafka/v3/clusters/:cluster_id/acls', permission: 'acl:manage', target: `a fresh ACL on ${cluster}`, ok: 200, hidden: true, allow: cluster === 'lkcA' ? [OA, EA, CCA] : [OA],
      prepare: async (_role, h, w) => ({ url: `/kafka/v3/clusters/${w[cluster]}/acls?resource_type=TOPIC&resource_name=${await freshAcl(h, w, w[cluster])}` }),
    }),
  ),

  // --- access check: whoever may read the cluster's role bindings and ACLs (a Schema Registry has no ACLs)
  ...(['lkcA', 'lkcB'] as const).map(
    (cluster): Row => ({
      route: 'GET /keyward/v1/access/check', permission: 'cluster:read, role-binding:read, acl:read', target: cluster, ok: 200, hidden: true, allow: cluster === 'lkcA' ? [OA, EA, CCA] : [OA],
      prepare: fixed((w) => `/keyward/v1/access/check?principal=User:${w.grantee}&operation=READ&resource_type=TOPIC&resource_name=fixed&cluster=${w[cluster]}`),
    }),
  ),
  {
    route: 'GET /keyward/v1/access/check', permission: 'cluster:read, role-binding:read', target: 'lsrcA', ok: 200, hidden: true, allow: [OA, EA],
    prepare: fixed((w) => `/keyward/v1/access/check?principal=User:${w.grantee}&operation=READ&resource_type=SUBJECT&resource_name=orders-value&cluster=${w.lsrcA}`),
  },

  // --- keyward's own: audit (OrganizationAdmin), advisor (OrganizationAdmin, MetricsViewer), policy
  // (read: any caller, since it explains refusals; change: OrganizationAdmin), signing key (OrganizationAdmin)
  { route: 'GET /keyward/v1/whoami', permission: 'authenticated', target: 'self', ok: 200, allow: EVERYONE, prepare: fixed(() => '/keyward/v1/whoami') },
  { route: 'GET /keyward/v1/audit-events', permission: 'audit:read', target: 'organization', ok: 200, allow: [OA], prepare: fixed(() => '/keyward/v1/audit-events') },
  { route: 'GET /keyward/v1/audit-events/export', permission: 'audit:read', target: 'organization', ok: 200, allow: [OA], prepare: fixed(() => '/keyward/v1/audit-events/export?since=1h') },
  { route: 'GET /keyward/v1/audit-events/verify', permission: 'audit:read', target: 'organization', ok: 200, allow: [OA], prepare: fixed(() => '/keyward/v1/audit-events/verify') },
  { route: 'POST /keyward/v1/audit-events/verify', permission: 'audit:read', target: 'organization', ok: 200, allow: [OA], prepare: fixed(() => '/keyward/v1/audit-events/verify', {}) },
  { route: 'POST /keyward/v1/audit-events/checkpoint', permission: 'audit:read', target: 'organization', ok: 201, allow: [OA], prepare: fixed(() => '/keyward/v1/audit-events/checkpoint', {}) },
  { route: 'GET /keyward/v1/advisor/findings', permission: 'advisor:read', target: 'organization', ok: 200, allow: [OA, MV], prepare: fixed(() => '/keyward/v1/advisor/findings') },
  { route: 'GET /keyward/v1/policy', permission: 'authenticated', target: 'organization', ok: 200, allow: EVERYONE, prepare: fixed(() => '/keyward/v1/policy') },
  { route: 'PATCH /keyward/v1/policy', permission: 'policy:manage', target: 'organization', ok: 200, allow: [OA], prepare: fixed(() => '/keyward/v1/policy', { max_keys_per_owner_resource: 1000 }) },
  {
    route: 'POST /keyward/v1/leaks', permission: 'authenticated (holding a secret is proof)', target: 'a non-secret', ok: 200, allow: EVERYONE,
    prepare: fixed(() => '/keyward/v1/leaks?dry_run=true', [{ token: 'not-a-keyward-secret', type: 'keyward_api_secret', url: 'https://example.com/leak', source: 'test' }]),
  },
  { route: 'POST /keyward/v1/signing-keys/rotate', permission: 'signing-key:manage', target: 'organization', ok: 200, allow: [OA], prepare: fixed(() => '/keyward/v1/signing-keys/rotate') },
];

async function bindingBody(h: ApiHarness, w: World, role: string, scope: Omit<RoleBindingScope, 'organization'>) {
  const principal = `User:${await createServiceAccount(h, fresh('grantee'))}`;
  return { principal, role_name: role, crn_pattern: buildRoleBindingCrnPattern(role, { organization: w.org, ...scope }) };
}

const allowed = (row: Pick<Row, 'allow'>, role: Role) => row.allow === EVERYONE || row.allow.includes(role);

function outcome(res: LightMyRequestResponse, row: Row): string {
  if (res.statusCode === row.ok) return 'allow';
  const code = (() => {
    try {
      return (res.json() as { errors?: Array<{ code?: string }> }).errors?.[0]?.code;
    } catch {
      return undefined;
    }
  })();
  if (res.statusCode === 403 && code === 'user_unauthorized') return 'deny';
  if (res.statusCode === 404 && row.hidden && code === 'not_found') return 'deny';
  return `unexpected ${res.statusCode}: ${res.body.slice(0, 300)}`;
}

/** Every route of `printRoutes()` as `METHOD /path`, without HEAD. */
function registeredRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + match[2]!;
    stack[depth] = path;
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim()).filter((m) => m !== '' && m !== 'HEAD')) routes.push(`${method} ${path}`);
  }
  return routes;
}

const MANAGEMENT_PREFIXES = ['/org/', '/cmk/', '/srcm/', '/iam/', '/kafka/', '/keyward/v1/'];
const DATA_PLANE = [
  'POST /keyward/v1/verify',
  'GET /keyward/v1/auth/basic',
  // the Kafka broker's own endpoints: only its cluster's KafkaBroker key (test/api/kafka-broker.test.ts)
  'GET /keyward/v1/kafka/clusters/:id/replica',
  'GET /keyward/v1/kafka/clusters/:id/replica/stream',
  'POST /keyward/v1/kafka/clusters/:id/events',
  // the console's login and session: they authenticate themselves (test/api/sessions.test.ts)
  'POST /keyward/v1/sessions',
  'GET /keyward/v1/sessions/current',
  'DELETE /keyward/v1/sessions/current',
];

describe.each(DIALECTS)('the permission matrix on $name', ({ name, skip, create }) => {
  let h: ApiHarness;
  let w: World;

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    expect((await h.call({ method: 'PATCH', url: '/keyward/v1/policy', payload: { max_keys_per_owner_resource: 1000 } })).statusCode).toBe(200);
    const envA = await createEnvironment(h, 'env-a');
    const envB = await createEnvironment(h, 'env-b');
    const lkcA = await createKafkaCluster(h, 'cluster-a', envA);
    const lkcB = await createKafkaCluster(h, 'cluster-b', envB);
    const lsrcA = await freshSchemaRegistry(h, envA);
    const saA = await createServiceAccount(h, 'account-a');
    const saB = await createServiceAccount(h, 'account-b');
    const grantee = await createServiceAccount(h, 'grantee');
    const userX = await createUser(h, 'x@example.com', 'User X');
    const principals = {} as Record<Role, Principal>;
    for (const role of ROLES) principals[role] = await createUser(h, `${role.toLowerCase()}@example.com`, role);
    w = {
      org: h.admin.organization, envA, envB, lkcA, lkcB, lsrcA, saA, saB, grantee, userX, principals,
      keys: {
        saA_lkcA: (await createKey(h, lkcA, { owner: saA })).key,
        saA_lkcB: (await createKey(h, lkcB, { owner: saA })).key,
        saB_lkcA: (await createKey(h, lkcA, { owner: saB })).key,
        saB_lkcB: (await createKey(h, lkcB, { owner: saB })).key,
        saB_lsrcA: (await createKey(h, lsrcA, { owner: saB })).key,
        saB_cloud: (await createKey(h, 'cloud', { owner: saB })).key,
        userX_cloud: userX.auth.key,
      },
      bindings: { inLkcA: '', inLkcB: '', onSaA: '' },
    };
    for (const role of ROLES) {
      const scope = BINDING[role]?.({ env: envA, cluster: lkcA, sa: saA });
      if (scope) await bind(h, `User:${principals[role].id}`, role, scope);
    }
    w.bindings = {
      inLkcA: await bind(h, `User:${grantee}`, 'DeveloperRead', { environment: envA, kafkaCluster: lkcA, resource: 'Topic:fixed' }),
      inLkcB: await bind(h, `User:${grantee}`, 'DeveloperRead', { environment: envB, kafkaCluster: lkcB, resource: 'Topic:fixed' }),
      onSaA: await bind(h, `User:${grantee}`, 'ResourceOwner', { resource: `ServiceAccount:${saA}` }),
    };
  });
  afterAll(async () => h?.close());

  it.skipIf(skip)(`has a row for every management route, and no row for a route that does not exist (${name})`, () => {
    const registered = registeredRoutes(h.server.runtime.app.printRoutes({ commonPrefix: false }));
    expect(registered).toContain('POST /keyward/v1/verify'); // the parser sees the whole tree
    const management = registered.filter((r) => MANAGEMENT_PREFIXES.some((p) => r.split(' ')[1]!.startsWith(p)) && !DATA_PLANE.includes(r));
    expect(new Set(ROWS.map((row) => row.route))).toEqual(new Set(management));
  });

  it.skipIf(skip)(`each role principal is set up as the table says (${name})`, async () => {
    const bindings = await h.server.runtime.store.db.selectFrom('role_bindings').select(['principal', 'role_name', 'crn_pattern']).execute();
    for (const role of ROLES) {
      const own = bindings.filter((b) => b.principal === `User:${w.principals[role].id}`);
      if (role === 'NoBinding') expect(own).toEqual([]);
      else expect(own.map((b) => b.role_name)).toEqual([role]);
    }
  });

  /** Which of the fixed targets each role sees in the lists (a list is never refused, it is filtered). */
  const VISIBLE: Array<{ list: string; item: string; id: (w: World, role: Role) => string; allow: Row['allow'] }> = [
    { list: '/org/v2/environments', item: 'environment A', id: (x) => x.envA, allow: [OA, EA] },
    { list: '/org/v2/environments', item: 'environment B', id: (x) => x.envB, allow: [OA] },
    { list: '/cmk/v2/clusters', item: 'lkcA', id: (x) => x.lkcA, allow: [OA, EA, CCA, 'Operator'] },
    { list: '/cmk/v2/clusters', item: 'lkcB', id: (x) => x.lkcB, allow: [OA] },
    { list: '/srcm/v2/clusters', item: 'lsrcA', id: (x) => x.lsrcA, allow: [OA, EA] },
    { list: '/iam/v2/users', item: 'user X', id: (x) => x.userX.id, allow: [OA, AA] },
    { list: '/iam/v2/users', item: 'self', id: (x, role) => x.principals[role].id, allow: EVERYONE },
    { list: '/iam/v2/service-accounts', item: 'saA', id: (x) => x.saA, allow: [OA, AA, RO] },
    { list: '/iam/v2/service-accounts', item: 'saB', id: (x) => x.saB, allow: [OA, AA] },
    { list: '/iam/v2/api-keys', item: 'own first key', id: (x, role) => x.principals[role].auth.key, allow: EVERYONE },
    { list: '/iam/v2/api-keys', item: 'key of saA on lkcA', id: (x) => x.keys.saA_lkcA, allow: KEY_READERS['saA@lkcA'] },
    { list: '/iam/v2/api-keys', item: 'key of saA on lkcB', id: (x) => x.keys.saA_lkcB, allow: KEY_READERS['saA@lkcB'] },
    { list: '/iam/v2/api-keys', item: 'key of saB on lkcA', id: (x) => x.keys.saB_lkcA, allow: KEY_READERS['saB@lkcA'] },
    { list: '/iam/v2/api-keys', item: 'key of saB on lsrcA', id: (x) => x.keys.saB_lsrcA, allow: [OA, AA, EA] },
    { list: '/iam/v2/api-keys', item: 'key of saB on lkcB', id: (x) => x.keys.saB_lkcB, allow: KEY_READERS['saB@lkcB'] },
    { list: '/iam/v2/api-keys', item: 'cloud key of saB', id: (x) => x.keys.saB_cloud, allow: [OA, AA] },
    { list: '/iam/v2/api-keys', item: "user X's key", id: (x) => x.keys.userX_cloud, allow: KEY_READERS['userX@cloud'] },
    { list: '/iam/v2/role-bindings', item: 'binding in lkcA', id: (x) => x.bindings.inLkcA, allow: [OA, EA, CCA] },
    { list: '/iam/v2/role-bindings', item: 'binding in lkcB', id: (x) => x.bindings.inLkcB, allow: [OA] },
    { list: '/iam/v2/role-bindings', item: 'ResourceOwner on saA', id: (x) => x.bindings.onSaA, allow: [OA, RO] },
  ];

  it.skipIf(skip)(`lists show each role exactly what it may read (${name})`, async () => {
    const actual: Record<string, Record<string, boolean>> = {};
    const expected: Record<string, Record<string, boolean>> = {};
    for (const role of ROLES) {
      const seen = new Map<string, Set<string>>();
      for (const list of new Set(VISIBLE.map((v) => v.list))) {
        const res = await h.call({ method: 'GET', url: `${list}?page_size=100`, auth: w.principals[role].auth });
        expect(res.statusCode, `${role} ${list}: ${res.body}`).toBe(200);
        expect(res.json().metadata.next ?? null, `${role} ${list} fits one page`).toBeNull();
        seen.set(list, new Set((res.json().data as Array<{ id: string }>).map((item) => item.id)));
      }
      for (const v of VISIBLE) {
        const key = `${v.list} ${v.item}`;
        (actual[key] ??= {})[role] = seen.get(v.list)!.has(v.id(w, role));
        (expected[key] ??= {})[role] = allowed(v, role);
      }
    }
    expect(actual).toEqual(expected);
  });

  for (const row of ROWS) {
    it.skipIf(skip)(`${row.route} — ${row.target} [${row.permission}] (${name})`, async () => {
      const actual: Partial<Record<Role, string>> = {};
      const expected: Partial<Record<Role, string>> = {};
      const [method, _path] = row.route.split(' ') as [HTTPMethods, string];
      for (const role of ROLES) {
        const request = await row.prepare(role, h, w);
        const res = await h.call({ method, url: request.url, auth: w.principals[role].auth, ...(request.payload !== undefined ? { payload: request.payload as object } : {}) });
        actual[role] = outcome(res, row);
        expected[role] = allowed(row, role) ? 'allow' : 'deny';
      }
      expect(actual).toEqual(expected);
    });
  }

  it.skipIf(skip)(`a refused key creation for another user names the rule and creates nothing, for every role (${name})`, async () => {
    const keysOfX = async () => (await h.server.runtime.store.db.selectFrom('api_keys').select('id').where('owner_id', '=', w.userX.id).execute()).map((k) => k.id).sort();
    const before = await keysOfX();
    for (const role of ROLES) {
      const res = await h.call({ method: 'POST', url: '/iam/v2/api-keys', auth: w.principals[role].auth, payload: { spec: { resource: { id: 'cloud' }, owner: { id: w.userX.id } } } });
      expect(res.statusCode, role).toBe(403);
      expect(res.json().errors[0].detail, role).toMatch(/Nobody can create API keys for another user/);
    }
    expect(await keysOfX()).toEqual(before);
  });

  it.skipIf(skip)(`a leak report names the key only to whoever may manage it (${name})`, async () => {
    const leaked = await createKey(h, w.lkcA, { owner: w.saA });
    const actual: Partial<Record<Role, string | null>> = {};
    const expected: Partial<Record<Role, string | null>> = {};
    for (const role of ROLES) {
      const res = await h.call({ method: 'POST', url: '/keyward/v1/leaks?dry_run=true', auth: w.principals[role].auth, payload: [{ token: leaked.secret, type: 't', url: 'https://example.com', source: 's' }] });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()[0].label).toBe('true_positive');
      actual[role] = res.json()[0].key;
      expected[role] = allowed({ allow: KEY_READERS['saA@lkcA'] }, role) ? leaked.key : null;
    }
    expect(actual).toEqual(expected);
    // a dry run disables nothing
    expect((await h.call({ method: 'GET', url: `/iam/v2/api-keys/${leaked.key}` })).json().spec.status).toBe('ACTIVE');
  });

  it.skipIf(skip)(`no response leaks a secret or a secret hash, and none shows a stack (${name})`, () => {
    // rotation answers carry the new key's secret; audit events carry their chain hashes
    const issuing = (r: { method: string; status: number; url: string }) => r.method === 'POST' && r.status === 201 && r.url.endsWith('/rotate');
    expectNoLeaks(h.recorded.filter((r) => !issuing(r) && !r.url.startsWith('/keyward/v1/audit-events')));
  });
});

describe.each(DIALECTS)('the last OrganizationAdmin on $name', ({ name, skip, create }) => {
  let h: ApiHarness;
  beforeAll(async () => {
    if (!skip) h = await startHarness(await create());
  });
  afterAll(async () => h?.close());

  it.skipIf(skip)(`deleting the principal that holds the last OrganizationAdmin binding is refused, as deleting the binding is (${name})`, async () => {
    // only an OrganizationAdmin changes an OrganizationAdmin: an AccountAdmin may not even try
    const accountAdmin = await createUser(h, 'accounts@example.com');
    await bind(h, `User:${accountAdmin.id}`, 'AccountAdmin', {});
    const forbidden = await h.call({ method: 'DELETE', url: `/iam/v2/users/${h.admin.user}`, auth: accountAdmin.auth });
    expect(forbidden.statusCode, forbidden.body).toBe(403);
    expect(forbidden.json().errors[0].detail).toBe(`Forbidden: ${h.admin.user} is an OrganizationAdmin; only an OrganizationAdmin may delete user ${h.admin.user}`);

    // a second administrator whose cloud key is disabled cannot log in: the first one's binding is still the last usable one
    const successor = await createUser(h, 'successor@example.com');
    await bind(h, `User:${successor.id}`, 'OrganizationAdmin', {});
    expect((await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${successor.auth.key}/disable` })).statusCode).toBe(200);
    const adminBinding = (await h.call({ method: 'GET', url: `/iam/v2/role-bindings?principal=User:${h.admin.user}` })).json().data[0].id as string;
    const refused = await h.call({ method: 'DELETE', url: `/iam/v2/role-bindings/${adminBinding}` });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json().errors[0].detail).toMatch(/would leave the organization without an OrganizationAdmin that can log in/);
    expect((await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${successor.auth.key}/enable` })).statusCode).toBe(200);

    const deleted = await h.call({ method: 'DELETE', url: `/iam/v2/users/${h.admin.user}`, auth: successor.auth });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect(deleted.headers['x-keyward-deleted']).toBe('api_keys=1, role_bindings=1, acls=0');
    expect((await h.call({ method: 'GET', url: '/keyward/v1/whoami', auth: successor.auth })).json().roles).toEqual(['OrganizationAdmin']);
    // now the successor is the last one who can log in
    const last = await h.call({ method: 'DELETE', url: `/iam/v2/api-keys/${successor.auth.key}`, auth: successor.auth });
    expect(last.statusCode, last.body).toBe(422);
    expect(last.json().errors[0].detail).toMatch(/would leave the organization without an OrganizationAdmin that can log in/);
  });
});
