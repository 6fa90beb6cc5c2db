import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/runtime.js';
import { buildRoleBindingCrnPattern } from '../../src/domain/authz/crn-pattern.js';

describe.each(DIALECTS)('one audit event per data-plane request on $name', ({ name, skip, create }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer(await create());
  });
  afterAll(async () => server?.close());

  it.skipIf(skip)(`a verify with an action is one authorization event that carries the authentication too (${name})`, async () => {
    const organization = server.runtime.services.deps.organizationId;
    const env = server.admin.environment;
    const lkc = (await server.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: 'c', cloud: 'aws', region: 'r' } } })).json().id as string;
    const sa = (await server.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'one-event', description: 'd' } })).json().id as string;
    const crn = buildRoleBindingCrnPattern('DeveloperRead', { organization, environment: env, kafkaCluster: lkc, resource: 'Topic:orders' });
    expect((await server.call({ method: 'POST', url: '/iam/v2/role-bindings', payload: { principal: `User:${sa}`, role_name: 'DeveloperRead', crn_pattern: crn } })).statusCode).toBe(201);
    const created = (await server.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: lkc }, owner: { id: sa } } } })).json();
    const verify = (operation: string) =>
      server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: { key: created.id, secret: created.spec.secret, action: { operation, resource_type: 'TOPIC', resource_name: 'orders' } } });
    expect((await verify('READ')).json().code).toBe('VALID');
    expect((await verify('WRITE')).json().code).toBe('FORBIDDEN');
    expect((await server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: { key: created.id, secret: created.spec.secret } })).json().code).toBe('VALID');
    await server.runtime.audit.flush();

    const rows = await server.runtime.store.db.selectFrom('audit_events').select(['event', 'type', 'result']).where('api_key', '=', created.id).where('method', '=', 'keyward.Verify').execute();
    const events = rows.map((r) => JSON.parse(r.event));
    expect(events.map((e) => [e.type, e.data.result.status])).toEqual([
      ['io.keyward.authorization', 'SUCCESS'],
      ['io.keyward.authorization', 'UNAUTHORIZED'],
      ['io.keyward.authentication', 'SUCCESS'],
    ]);
    for (const e of events.slice(0, 2)) {
      expect(e.data.authenticationInfo).toEqual({ principal: `User:${sa}`, metadata: { mechanism: 'VERIFY_API', identifier: created.id } });
      expect(e.data.authorizationInfo).toMatchObject({ operation: e.data.result.status === 'SUCCESS' ? 'READ' : 'WRITE', resourceType: 'TOPIC', resourceName: 'orders' });
    }
    expect(events[0].data.authorizationInfo.rbacAuthorization).toEqual({ role: 'DeveloperRead', crnPattern: crn });
  });
});
