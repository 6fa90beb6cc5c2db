import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { DIALECTS } from '../helpers/databases.js';
import {
  createEnvironment, createKafkaCluster, createKey, createServiceAccount, createUser, expectError, orgCrn, startHarness, storeState,
  type ApiHarness, type Credentials,
} from '../api/support.js';

/**
 * DESIGN §9, "no principal gains a privilege it could not grant itself". Each case is an attack that
 * succeeded before the rule (issue 8 §2): it is refused now, and the store is left exactly as it was.
 * The positive cases next to them keep the rule from refusing what it should allow.
 */

interface User {
  id: string;
  auth: Credentials;
}

describe.each(DIALECTS)('no path to more privilege on $name', ({ name, skip, create }) => {
  let h: ApiHarness;
  let envA: string;
  let envB: string;
  let prodEnv: string;
  let lkcA: string;
  let lkcB: string;
  let prodLkc: string;
  let lsrcB: string;
  /** A service account holding OrganizationAdmin, as automation often does. */
  let adminRobot: string;
  /** A service account holding nothing. */
  let plainRobot: string;
  let accountAdmin: User;
  let clusterAdmin: User;
  let environmentAdmin: User;
  let prodAdmin: User;
  let nobody: User;

  const envCrn = (env: string) => `${orgCrn(h)}/environment=${env}`;
  const clusterCrn = (env: string, lkc: string) => `${envCrn(env)}/cloud-cluster=${lkc}`;
  const topicCrn = (env: string, lkc: string, topic: string) => `${clusterCrn(env, lkc)}/kafka=${lkc}/topic=${topic}`;

  async function bind(principal: string, role: string, crnPattern: string, auth?: Credentials): Promise<LightMyRequestResponse> {
    return h.call({ method: 'POST', url: '/iam/v2/role-bindings', payload: { principal, role_name: role, crn_pattern: crnPattern }, ...(auth ? { auth } : {}) });
  }
  async function bound(principal: string, role: string, crnPattern: string): Promise<void> {
    const res = await bind(principal, role, crnPattern);
    expect(res.statusCode, res.body).toBe(201);
  }
  const keyRequest = (auth: Credentials, resource: string, owner?: string) =>
    h.call({ method: 'POST', url: '/iam/v2/api-keys', auth, payload: { spec: { resource: { id: resource }, ...(owner ? { owner: { id: owner } } : {}) } } });
  const acl = (cluster: string, fields: Record<string, string>, auth?: Credentials) =>
    h.call({
      method: 'POST', url: `/kafka/v3/clusters/${cluster}/acls`, ...(auth ? { auth } : {}),
      payload: { permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC', pattern_type: 'LITERAL', host: '*', ...fields },
    });
  const keyStatus = async (id: string) => (await h.server.runtime.store.db.selectFrom('api_keys').select(['status', 'disabled_by', 'disabled_reason']).where('id', '=', id).executeTakeFirstOrThrow());
  const post = (url: string, auth?: Credentials) => h.call({ method: 'POST', url, ...(auth ? { auth } : {}) });

  /** Runs a refused request and checks that it changed nothing at all. */
  async function refusedUnchanged(request: () => Promise<LightMyRequestResponse>, status: number, code: string, detail?: RegExp | string): Promise<void> {
    const before = await storeState(h);
    const res = await request();
    expectError(res, status, code, detail);
    expect(await storeState(h)).toEqual(before);
  }

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    expect((await h.call({ method: 'PATCH', url: '/keyward/v1/policy', payload: { max_keys_per_owner_resource: 1000, require_service_account_keys_in_production: true } })).statusCode).toBe(200);
    envA = await createEnvironment(h, 'env-a');
    envB = await createEnvironment(h, 'env-b');
    prodEnv = await createEnvironment(h, 'prod', 'production');
    lkcA = await createKafkaCluster(h, 'cluster-a', envA);
    lkcB = await createKafkaCluster(h, 'cluster-b', envB);
    prodLkc = await createKafkaCluster(h, 'cluster-prod', prodEnv);
    const sr = await h.call({ method: 'POST', url: '/srcm/v2/clusters', payload: { spec: { display_name: 'sr-b', cloud: 'aws', region: 'us-east-1', environment: { id: envB } } } });
    expect(sr.statusCode, sr.body).toBe(201);
    lsrcB = sr.json().id as string;

    adminRobot = await createServiceAccount(h, 'admin-robot');
    await bound(`User:${adminRobot}`, 'OrganizationAdmin', orgCrn(h));
    plainRobot = await createServiceAccount(h, 'plain-robot');

    accountAdmin = await createUser(h, 'accounts@example.com');
    await bound(`User:${accountAdmin.id}`, 'AccountAdmin', orgCrn(h));
    clusterAdmin = await createUser(h, 'cluster-admin@example.com');
    await bound(`User:${clusterAdmin.id}`, 'CloudClusterAdmin', clusterCrn(envA, lkcA));
    environmentAdmin = await createUser(h, 'env-admin@example.com');
    await bound(`User:${environmentAdmin.id}`, 'EnvironmentAdmin', envCrn(envA));
    prodAdmin = await createUser(h, 'prod-admin@example.com');
    await bound(`User:${prodAdmin.id}`, 'EnvironmentAdmin', envCrn(prodEnv));
    nobody = await createUser(h, 'nobody@example.com');
  });
  afterAll(async () => h?.close());

  describe('authority over a principal', () => {
    it.skipIf(skip)(`an AccountAdmin cannot mint a cloud key for a service account holding OrganizationAdmin (${name})`, async () => {
      await refusedUnchanged(() => keyRequest(accountAdmin.auth, 'cloud', adminRobot), 403, 'user_unauthorized', /needs authority over User:sa-.*holds OrganizationAdmin/);
      // it still manages the keys of a service account that holds nothing it could not grant
      expect((await keyRequest(accountAdmin.auth, 'cloud', plainRobot)).statusCode).toBe(201);
    });

    it.skipIf(skip)(`a CloudClusterAdmin and an EnvironmentAdmin cannot mint keys for the admin service account on their clusters (${name})`, async () => {
      await refusedUnchanged(() => keyRequest(clusterAdmin.auth, lkcA, adminRobot), 403, 'user_unauthorized', /authority over User:sa-/);
      await refusedUnchanged(() => keyRequest(environmentAdmin.auth, lkcA, adminRobot), 403, 'user_unauthorized', /authority over User:sa-/);
      expect((await keyRequest(clusterAdmin.auth, lkcA, plainRobot)).statusCode).toBe(201);
      expect((await keyRequest(environmentAdmin.auth, lkcA, plainRobot)).statusCode).toBe(201);
    });

    it.skipIf(skip)(`nor for a service account with a role binding they could not create (${name})`, async () => {
      const reader = await createServiceAccount(h, 'reader');
      await bound(`User:${reader}`, 'DeveloperRead', topicCrn(envA, lkcA, 'orders'));
      // CloudClusterAdmin does not manage role bindings; EnvironmentAdmin does, inside its environment
      await refusedUnchanged(() => keyRequest(clusterAdmin.auth, lkcA, reader), 403, 'user_unauthorized', /holds DeveloperRead/);
      expect((await keyRequest(environmentAdmin.auth, lkcA, reader)).statusCode).toBe(201);
    });

    it.skipIf(skip)(`a DENY ACL on the caller is not sidestepped with another principal's key or a new ALLOW (${name})`, async () => {
      const payroll = await createServiceAccount(h, 'payroll-reader');
      expect((await acl(lkcA, { principal: `User:${payroll}`, resource_name: 'payroll' })).statusCode).toBe(201);
      expect((await acl(lkcA, { principal: `User:${clusterAdmin.id}`, permission: 'DENY', operation: 'ALL', resource_name: 'payroll' })).statusCode).toBe(201);
      // before: the cluster admin minted a key for the account allowed what it is denied
      await refusedUnchanged(() => keyRequest(clusterAdmin.auth, lkcA, payroll), 403, 'user_unauthorized', /DENY ACL refuses User:u-/);
      // or allowed that account (or everyone) the topic itself
      const other = await createServiceAccount(h, 'other');
      await refusedUnchanged(() => acl(lkcA, { principal: `User:${other}`, resource_name: 'payroll' }, clusterAdmin.auth), 403, 'user_unauthorized', /DENY ACL/);
      await refusedUnchanged(() => acl(lkcA, { principal: 'User:*', resource_name: 'pay', pattern_type: 'PREFIXED' }, clusterAdmin.auth), 403, 'user_unauthorized', /DENY ACL/);
      // nor does it lift the DENY itself
      const deleteDeny = `/kafka/v3/clusters/${lkcA}/acls?resource_type=TOPIC&resource_name=payroll&permission=DENY`;
      await refusedUnchanged(() => h.call({ method: 'DELETE', url: deleteDeny, auth: clusterAdmin.auth }), 403, 'user_unauthorized', /names User:u-.*another principal with acl:manage/);
      // what it is not denied, it still grants
      expect((await acl(lkcA, { principal: `User:${other}`, resource_name: 'orders' }, clusterAdmin.auth)).statusCode).toBe(201);
    });

    it.skipIf(skip)(`rotating another principal's key needs authority over its owner (${name})`, async () => {
      // an account administering another environment, with a key on the cluster admin's cluster
      const robot = await createServiceAccount(h, 'env-b-robot');
      await bound(`User:${robot}`, 'EnvironmentAdmin', envCrn(envB));
      const robotKey = await createKey(h, lkcA, { owner: robot });
      await refusedUnchanged(() => h.call({ method: 'POST', url: `/keyward/v1/api-keys/${robotKey.key}/rotate`, auth: clusterAdmin.auth, payload: {} }), 403, 'user_unauthorized', /rotating API key .* needs authority over User:sa-/);
      const plainKey = await createKey(h, lkcA, { owner: plainRobot });
      expect((await h.call({ method: 'POST', url: `/keyward/v1/api-keys/${plainKey.key}/rotate`, auth: clusterAdmin.auth, payload: {} })).statusCode).toBe(201);
    });
  });

  describe('a new role binding lies inside what the caller holds', () => {
    it.skipIf(skip)(`a ResourceOwner of the literal topic billing cannot bind billing* (${name})`, async () => {
      const owner = await createUser(h, 'billing-owner@example.com');
      await bound(`User:${owner.id}`, 'ResourceOwner', topicCrn(envA, lkcA, 'billing'));
      await refusedUnchanged(() => bind(`User:${owner.id}`, 'ResourceOwner', `${topicCrn(envA, lkcA, 'billing')}*`, owner.auth), 403, 'user_unauthorized', /contains .*topic=billing\*/);
      await refusedUnchanged(() => bind(`User:${owner.id}`, 'DeveloperRead', `${topicCrn(envA, lkcA, 'billing-')}*`, owner.auth), 403, 'user_unauthorized');
      // its own topic it still passes on
      expect((await bind(`User:${plainRobot}`, 'DeveloperRead', topicCrn(envA, lkcA, 'billing'), owner.auth)).statusCode).toBe(201);
    });

    it.skipIf(skip)(`an EnvironmentAdmin binds nothing outside its environment and no role above its own (${name})`, async () => {
      await refusedUnchanged(() => bind(`User:${environmentAdmin.id}`, 'EnvironmentAdmin', envCrn(envB), environmentAdmin.auth), 403, 'user_unauthorized');
      await refusedUnchanged(() => bind(`User:${environmentAdmin.id}`, 'OrganizationAdmin', orgCrn(h), environmentAdmin.auth), 403, 'user_unauthorized');
      expect((await bind(`User:${plainRobot}`, 'CloudClusterAdmin', clusterCrn(envA, lkcA), environmentAdmin.auth)).statusCode).toBe(201);
    });
  });

  describe('production stays production', () => {
    it.skipIf(skip)(`an EnvironmentAdmin cannot take its environment out of production to create a user key (${name})`, async () => {
      await refusedUnchanged(() => keyRequest(prodAdmin.auth, prodLkc), 422, 'invalid_configuration', /require_service_account_keys_in_production/);
      await refusedUnchanged(() => h.call({ method: 'PATCH', url: `/org/v2/environments/${prodEnv}`, auth: prodAdmin.auth, payload: { stage: 'development' } }), 403, 'user_unauthorized', /environment:manage/);
      // it still renames it, and an OrganizationAdmin may change the stage
      expect((await h.call({ method: 'PATCH', url: `/org/v2/environments/${prodEnv}`, auth: prodAdmin.auth, payload: { display_name: 'production' } })).statusCode).toBe(200);
    });

    it.skipIf(skip)(`the advisor reports a user key in production however it got there (${name})`, async () => {
      const flip = async (stage: string) => expect((await h.call({ method: 'PATCH', url: `/org/v2/environments/${prodEnv}`, payload: { stage } })).statusCode).toBe(200);
      await flip('development');
      const userKey = await createKey(h, prodLkc, { auth: prodAdmin.auth });
      await flip('production');
      const findings = (await h.call({ method: 'GET', url: '/keyward/v1/advisor/findings' })).json().data as Array<{ id: string; message: string }>;
      const finding = findings.find((f) => f.id === `user-key-in-production:${userKey.key}`);
      expect(finding?.message).toMatch(/while its environment was not in production/);
    });
  });

  describe('a key on a resource needs read access to it', () => {
    it.skipIf(skip)(`a user without bindings creates no key for a cluster it cannot read, answered as for a missing one (${name})`, async () => {
      const missing = await keyRequest(nobody.auth, 'lkc-zzzzzz');
      expectError(missing, 404, 'not_found', 'Kafka cluster "lkc-zzzzzz" not found');
      await refusedUnchanged(() => keyRequest(nobody.auth, lkcB), 404, 'not_found', `Kafka cluster "${lkcB}" not found`);
      await refusedUnchanged(() => keyRequest(nobody.auth, lsrcB), 404, 'not_found', `Schema Registry cluster "${lsrcB}" not found`);
      // and so no key passes the nginx gate for it
      const keys = await h.server.runtime.store.db.selectFrom('api_keys').select('id').where('owner_id', '=', nobody.id).where('resource_id', '=', lkcB).execute();
      expect(keys).toEqual([]);
      // a cluster it may read, it may hold a key for; and its cloud key as ever
      expect((await keyRequest(clusterAdmin.auth, lkcA)).statusCode).toBe(201);
      expect((await keyRequest(nobody.auth, 'cloud')).statusCode).toBe(201);
    });

    it.skipIf(skip)(`an administrator of another cluster cannot mint a key for a service account there (${name})`, async () => {
      await refusedUnchanged(() => keyRequest(clusterAdmin.auth, lkcB, plainRobot), 404, 'not_found');
    });
  });

  describe('re-enabling needs the authority that disabled', () => {
    it.skipIf(skip)(`an owner cannot re-enable a key an administrator disabled; the administrator can (${name})`, async () => {
      const owner = await createUser(h, 'owner@example.com');
      const key = await createKey(h, 'cloud', { auth: owner.auth });
      expect((await post(`/keyward/v1/api-keys/${key.key}/disable`)).statusCode).toBe(200);
      expect(await keyStatus(key.key)).toEqual({ status: 'DISABLED', disabled_by: h.admin.user, disabled_reason: 'admin' });
      // describe says so, to whoever may read the key
      expect((await h.call({ method: 'GET', url: `/iam/v2/api-keys/${key.key}`, auth: owner.auth })).json().spec.disabled).toEqual({ by: h.admin.user, reason: 'admin', at: h.clock().toISOString() });
      await refusedUnchanged(() => post(`/keyward/v1/api-keys/${key.key}/enable`, owner.auth), 403, 'user_unauthorized', /was disabled by u-.*needs authority over/);
      expect((await post(`/keyward/v1/api-keys/${key.key}/enable`)).statusCode).toBe(200);
      expect(await keyStatus(key.key)).toEqual({ status: 'ACTIVE', disabled_by: null, disabled_reason: null });
      expect((await h.call({ method: 'GET', url: `/iam/v2/api-keys/${key.key}` })).json().spec).not.toHaveProperty('disabled');
    });

    it.skipIf(skip)(`an owner re-enables a key it disabled itself (${name})`, async () => {
      const owner = await createUser(h, 'self@example.com');
      const key = await createKey(h, 'cloud', { auth: owner.auth });
      expect((await post(`/keyward/v1/api-keys/${key.key}/disable`, owner.auth)).statusCode).toBe(200);
      expect((await keyStatus(key.key)).disabled_reason).toBe('owner');
      expect((await post(`/keyward/v1/api-keys/${key.key}/enable`, owner.auth)).statusCode).toBe(200);
    });

    it.skipIf(skip)(`a key a lesser administrator disabled is enabled only by one with authority over it (${name})`, async () => {
      const key = await createKey(h, lkcA, { owner: await createServiceAccount(h, 'disabled-robot') });
      expect((await post(`/keyward/v1/api-keys/${key.key}/disable`, environmentAdmin.auth)).statusCode).toBe(200);
      // the cluster admin manages the key, but has no authority over the environment admin
      await refusedUnchanged(() => post(`/keyward/v1/api-keys/${key.key}/enable`, clusterAdmin.auth), 403, 'user_unauthorized', /needs authority over u-/);
      expect((await post(`/keyward/v1/api-keys/${key.key}/enable`, environmentAdmin.auth)).statusCode).toBe(200);
    });

    it.skipIf(skip)(`a leaked key is enabled again only by an OrganizationAdmin (${name})`, async () => {
      const owner = await createUser(h, 'leaker@example.com');
      const key = await createKey(h, 'cloud', { auth: owner.auth });
      const report = await h.call({ method: 'POST', url: '/keyward/v1/leaks', auth: nobody.auth, payload: [{ token: key.secret, type: 'keyward_api_secret', url: 'https://example.com/paste', source: 'test' }] });
      expect(report.statusCode, report.body).toBe(200);
      expect(await keyStatus(key.key)).toEqual({ status: 'DISABLED', disabled_by: nobody.id, disabled_reason: 'leak' });
      await refusedUnchanged(() => post(`/keyward/v1/api-keys/${key.key}/enable`, owner.auth), 403, 'user_unauthorized', /leak report; only an OrganizationAdmin/);
      await refusedUnchanged(() => post(`/keyward/v1/api-keys/${key.key}/enable`, accountAdmin.auth), 403, 'user_unauthorized', /leak report; only an OrganizationAdmin/);
      expect((await post(`/keyward/v1/api-keys/${key.key}/enable`)).statusCode).toBe(200);
    });

    it.skipIf(skip)(`a key the owner disabled and that then leaked stays a leaked key (${name})`, async () => {
      const owner = await createUser(h, 'careful@example.com');
      const key = await createKey(h, 'cloud', { auth: owner.auth });
      expect((await post(`/keyward/v1/api-keys/${key.key}/disable`, owner.auth)).statusCode).toBe(200);
      expect((await h.call({ method: 'POST', url: '/keyward/v1/leaks', auth: owner.auth, payload: [{ token: key.secret }] })).statusCode).toBe(200);
      expect((await keyStatus(key.key)).disabled_reason).toBe('leak');
      await refusedUnchanged(() => post(`/keyward/v1/api-keys/${key.key}/enable`, owner.auth), 403, 'user_unauthorized', /leak report/);
    });

    it.skipIf(skip)(`re-enabling another principal's key needs authority over its owner (${name})`, async () => {
      const robot = await createServiceAccount(h, 'env-b-robot-2');
      await bound(`User:${robot}`, 'EnvironmentAdmin', envCrn(envB));
      const robotKey = await createKey(h, lkcA, { owner: robot });
      expect((await post(`/keyward/v1/api-keys/${robotKey.key}/disable`)).statusCode).toBe(200);
      await refusedUnchanged(() => post(`/keyward/v1/api-keys/${robotKey.key}/enable`, clusterAdmin.auth), 403, 'user_unauthorized', /re-enabling a key of sa-.* needs authority over it/);
    });
  });
});
