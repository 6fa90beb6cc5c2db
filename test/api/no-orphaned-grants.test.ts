import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/runtime.js';
import { buildRoleBindingCrnPattern } from '../../src/domain/authz/crn-pattern.js';

describe.each(DIALECTS)('deleting a cluster or an environment leaves no role binding naming it on $name', ({ name, skip, create }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer(await create());
  });
  afterAll(async () => server?.close());

  const bindingIds = async () => (await server.runtime.store.db.selectFrom('role_bindings').select('id').execute()).map((r) => r.id);

  it.skipIf(skip)(`removes the bindings inside a deleted cluster and on a deleted environment (${name})`, async () => {
    const organization = server.runtime.services.organizationId;
    const env = (await server.call({ method: 'POST', url: '/org/v2/environments', payload: { display_name: 'doomed' } })).json().id as string;
    const lkc = (await server.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: 'c', cloud: 'aws', region: 'r', environment: { id: env } } } })).json().id as string;
    const keep = (await server.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: 'keep', cloud: 'aws', region: 'r', environment: { id: env } } } })).json().id as string;
    const sa = (await server.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'orphan-check', description: 'd' } })).json().id as string;
    const bind = async (role: string, scope: Record<string, string | boolean>) => {
      const res = await server.call({ method: 'POST', url: '/iam/v2/role-bindings', payload: { principal: `User:${sa}`, role_name: role, crn_pattern: buildRoleBindingCrnPattern(role, { organization, ...scope }) } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const onTopic = await bind('DeveloperRead', { environment: env, kafkaCluster: lkc, resource: 'Topic:orders', prefix: true });
    const onCluster = await bind('CloudClusterAdmin', { environment: env, cloudCluster: lkc });
    const onOther = await bind('CloudClusterAdmin', { environment: env, cloudCluster: keep });
    const onEnv = await bind('EnvironmentAdmin', { environment: env });

    const del = await server.call({ method: 'DELETE', url: `/cmk/v2/clusters/${lkc}` });
    expect(del.statusCode).toBe(204);
    expect(del.headers['x-keyward-deleted']).toBe('api_keys=0, role_bindings=2, acls=0');
    const left = await bindingIds();
    expect(left).not.toContain(onTopic);
    expect(left).not.toContain(onCluster);
    expect(left).toContain(onOther);
    expect(left).toContain(onEnv);

    expect((await server.call({ method: 'DELETE', url: `/cmk/v2/clusters/${keep}` })).headers['x-keyward-deleted']).toBe('api_keys=0, role_bindings=1, acls=0');
    expect((await server.call({ method: 'DELETE', url: `/org/v2/environments/${env}` })).statusCode).toBe(204);
    expect(await bindingIds()).not.toContain(onEnv);
    const listed = await server.call({ method: 'GET', url: `/iam/v2/role-bindings?principal=User:${sa}` });
    expect(listed.json().data).toEqual([]);
  });
});
