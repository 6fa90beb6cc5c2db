import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/runtime.js';
import { buildRoleBindingCrnPattern } from '../../src/domain/authz/crn-pattern.js';

/**
 * Every data-plane request is accounted for in exactly one event (DESIGN §4): a verify with an action in
 * the `io.keyward.authorization` event, which carries the authentication too, never in a second
 * authentication event; successes aggregated (data.count), refusals individual.
 */
describe.each(DIALECTS)('each data-plane request counted in one event on $name', ({ name, skip, create }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer(await create());
  });
  afterAll(async () => server?.close());

  it.skipIf(skip)(`a verify with an action is one authorization event that carries the authentication too (${name})`, async () => {
    const organization = server.runtime.services.organizationId;
    const env = server.admin.environment;
    const lkc = (await server.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: 'c', cloud: 'aws', region: 'r' } } })).json().id as string;
    const sa = (await server.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'one-event', description: 'd' } })).json().id as string;
    const crn = buildRoleBindingCrnPattern('DeveloperRead', { organization, environment: env, kafkaCluster: lkc, resource: 'Topic:orders' });
    expect((await server.call({ method: 'POST', url: '/iam/v2/role-bindings', payload: { principal: `User:${sa}`, role_name: 'DeveloperRead', crn_pattern: crn } })).statusCode).toBe(201);
    const created = (await server.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: lkc }, owner: { id: sa } } } })).json();
    const verify = (operation: string) =>
      server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: { key: created.id, secret: created.spec.secret, action: { operation, resource_type: 'TOPIC', resource_name: 'orders' } } });
    for (let i = 0; i < 3; i++) expect((await verify('READ')).json().code).toBe('VALID');
    expect((await verify('WRITE')).json().code).toBe('FORBIDDEN');
    for (let i = 0; i < 2; i++) {
      expect((await server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: { key: created.id, secret: created.spec.secret } })).json().code).toBe('VALID');
    }
    await server.runtime.audit.flush();

    const rows = await server.runtime.store.db.selectFrom('audit_events').select(['event', 'type', 'result']).where('api_key', '=', created.id).where('method', '=', 'keyward.Verify').execute();
    const events = rows.map((r) => JSON.parse(r.event));
    const counted = (e: { type: string; data: { result: { status: string }; count?: number } }) => [e.type, e.data.result.status, e.data.count];
    // the refusal is recorded at once, the successes when their window is sealed (here: by flush)
    expect(events.map(counted).sort()).toEqual([
      ['io.keyward.authentication', 'SUCCESS', 2],
      ['io.keyward.authorization', 'SUCCESS', 3],
      ['io.keyward.authorization', 'UNAUTHORIZED', undefined],
    ]);
    const authorizations = events.filter((e) => e.type === 'io.keyward.authorization');
    for (const e of authorizations) {
      expect(e.data.authenticationInfo).toEqual({ principal: `User:${sa}`, metadata: { mechanism: 'VERIFY_API', identifier: created.id } });
      expect(e.data.authorizationInfo).toMatchObject({ operation: e.data.result.status === 'SUCCESS' ? 'READ' : 'WRITE', resourceType: 'TOPIC', resourceName: 'orders' });
    }
    const granted = authorizations.find((e) => e.data.result.status === 'SUCCESS');
    expect(granted.data.authorizationInfo.rbacAuthorization).toEqual({ role: 'DeveloperRead', crnPattern: crn });
  });
});
