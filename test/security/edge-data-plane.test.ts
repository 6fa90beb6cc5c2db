import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { basic, startTestServer, type TestServer } from '../helpers/runtime.js';

/**
 * Issue 8 §2: the nginx gate must name the resource it protects, and a `cloud` key (for the
 * management API) never passes a data-plane check for a cluster.
 */
describe.each(DIALECTS)('data-plane checks on $name', ({ name, skip, create }) => {
  let server: TestServer;
  let lkc: string;
  let cloudKey: { key: string; secret: string };

  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer(await create());
    lkc = (await server.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: 'orders', cloud: 'aws', region: 'r' } } })).json().id;
    const sa = (await server.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'cloudy', description: 'd' } })).json().id;
    const res = await server.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: 'cloud' }, owner: { id: sa } } } });
    expect(res.statusCode, res.body).toBe(201);
    cloudKey = { key: res.json().id, secret: res.json().spec.secret };
  });
  afterAll(async () => server?.close());

  const authBasic = (query: string, k = cloudKey) =>
    server.runtime.app.inject({ method: 'GET', url: `/keyward/v1/auth/basic${query}`, headers: { authorization: basic(k.key, k.secret) } });

  it.skipIf(skip)(`auth/basic without a resource is 400 with the error body (${name})`, async () => {
    for (const query of ['', '?resource=', '?operation=READ&resource_type=TOPIC&resource_name=orders']) {
      const res = await authBasic(query, { key: server.admin.key, secret: server.admin.secret });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ status: '400', code: 'bad_request' });
      expect(res.json().errors[0].detail).toMatch(/resource is required/);
    }
  });

  it.skipIf(skip)(`a cloud key never passes a data-plane check for a cluster (${name})`, async () => {
    for (const k of [cloudKey, { key: server.admin.key, secret: server.admin.secret }]) {
      expect((await authBasic(`?resource=${lkc}`, k)).statusCode).toBe(403);
      expect((await authBasic(`?resource=${lkc}&operation=READ&resource_type=TOPIC&resource_name=orders`, k)).statusCode).toBe(403);
      const verify = (payload: object) => server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: { ...k, ...payload } });
      expect((await verify({ resource: lkc })).json()).toMatchObject({ valid: false, code: 'WRONG_RESOURCE' });
      const action = { operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders' };
      expect((await verify({ resource: lkc, action })).json()).toMatchObject({ valid: false, code: 'WRONG_RESOURCE' });
      // with no resource named, an action is still a check on a cluster's resources
      expect((await verify({ action })).json()).toMatchObject({ valid: false, code: 'WRONG_RESOURCE' });
    }
  });
});
