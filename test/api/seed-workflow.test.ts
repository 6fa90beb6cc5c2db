import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/runtime.js';
import { hashSecret } from '../../src/domain/secrets.js';

describe.each(DIALECTS)('seed workflow through the API on $name', ({ name, skip, create }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer(await create());
  });
  afterAll(async () => server?.close());

  it.skipIf(skip)(`creates, lists and deletes keys as the seed does (${name})`, async () => {
    const cluster = await server.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: 'psd-basic-azure', cloud: 'azure', region: 'centralus' } } });
    expect(cluster.statusCode).toBe(201);
    const lkc = cluster.json().id as string;
    expect(lkc).toMatch(/^lkc-[a-z0-9]{6}$/);
    expect(cluster.json().status.phase).toBe('UP');

    const sa = await server.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'app1-service-account', description: 'app1 service account' } });
    expect(sa.statusCode).toBe(201);
    const saId = sa.json().id as string;

    const keys: Array<{ id: string; secret: string }> = [];
    for (const description of ['Kafka API key - existing', 'Kafka API key - new']) {
      const res = await server.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: lkc }, owner: { id: saId }, description } } });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body.id).toMatch(/^[A-Z0-9]{16}$/);
      expect(body.spec.secret).toMatch(/^kw_[0-9A-Za-z]{61}$/);
      keys.push({ id: body.id, secret: body.spec.secret });
    }

    const list = await server.call({ method: 'GET', url: `/iam/v2/api-keys?spec.owner=${saId}` });
    expect(list.statusCode).toBe(200);
    expect(list.json().data.map((k: { id: string }) => k.id)).toEqual(keys.map((k) => k.id));
    expect(list.body).not.toContain('secret');
    expect(list.json().data[0].spec.owner).toEqual({ id: saId, kind: 'ServiceAccount', email: '<service account>' });

    // stored only as SHA-256
    const row = await server.runtime.store.db.selectFrom('api_keys').selectAll().where('id', '=', keys[0]!.id).executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(hashSecret(keys[0]!.secret));
    expect(JSON.stringify(row)).not.toContain(keys[0]!.secret);

    expect((await server.call({ method: 'DELETE', url: `/iam/v2/api-keys/${keys[0]!.id}` })).statusCode).toBe(204);
    const after = await server.call({ method: 'GET', url: `/iam/v2/api-keys?spec.owner=${saId}` });
    expect(after.json().data.map((k: { id: string }) => k.id)).toEqual([keys[1]!.id]);
  });

  it.skipIf(skip)(`deleting a user deletes all of its keys and reports the counts (${name})`, async () => {
    const created = await server.call({ method: 'POST', url: '/iam/v2/users', payload: { email: 'alice@example.com', full_name: 'Alice' } });
    expect(created.statusCode).toBe(201);
    const alice = { key: created.json().api_key.key as string, secret: created.json().api_key.secret as string };
    const userId = created.json().id as string;
    const second = await server.call({ method: 'POST', url: '/iam/v2/api-keys', auth: alice, payload: { spec: { resource: { id: 'cloud' }, description: 'second' } } });
    expect(second.statusCode).toBe(201);

    const del = await server.call({ method: 'DELETE', url: `/iam/v2/users/${userId}` });
    expect(del.statusCode).toBe(204);
    expect(del.headers['x-keyward-deleted']).toBe('api_keys=2, role_bindings=0, acls=0');
    const remaining = await server.runtime.store.db.selectFrom('api_keys').select('id').where('owner_id', '=', userId).execute();
    expect(remaining).toEqual([]);
    const whoami = await server.call({ method: 'GET', url: '/keyward/v1/whoami', auth: alice });
    expect(whoami.statusCode).toBe(401);
  });
});
