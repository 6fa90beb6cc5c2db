import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import {
  START, createEnvironment, createKafkaCluster, createKey, createServiceAccount, createUser, expectError, expectNoLeaks, expectResource, orgCrn,
  startHarness, storeState, type ApiHarness, type Credentials,
  bindClusterReader,
} from './support.js';

describe.each(DIALECTS)('/cmk/v2/clusters and /srcm/v2/clusters on $name', ({ skip, create }) => {
  let h: ApiHarness;
  let alice: { id: string; auth: Credentials };
  let env: string;
  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(await create());
    alice = await createUser(h, 'alice@example.com', 'Alice');
    env = await createEnvironment(h, 'streaming', 'production');
  });
  afterAll(async () => h?.close());

  it.skipIf(skip)('registers a Kafka cluster in Confluent spellings and shows it in Confluent shape', async () => {
    const res = await h.call({
      method: 'POST',
      url: '/cmk/v2/clusters',
      payload: {
        spec: {
          display_name: 'orders', cloud: 'AWS', region: 'eu-west-1', availability: 'MULTI_ZONE', config: { kind: 'Dedicated' },
          kafka_bootstrap_endpoint: 'SASL_SSL://orders.example.com:9092', environment: { id: env },
        },
      },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    const id = body.id as string;
    expectResource(body, { api_version: 'cmk/v2', kind: 'Cluster', id: /^lkc-[a-z0-9]{6}$/, path: `/cmk/v2/clusters/${id}`, resourceName: `${orgCrn(h)}/environment=${env}/cloud-cluster=${id}` });
    expect(body.spec).toEqual({
      display_name: 'orders',
      availability: 'MULTI_ZONE',
      cloud: 'AWS',
      region: 'eu-west-1',
      config: { kind: 'Dedicated' },
      kafka_bootstrap_endpoint: 'SASL_SSL://orders.example.com:9092',
      environment: { id: env, related: `http://keyward.test/org/v2/environments/${env}`, resource_name: `${orgCrn(h)}/environment=${env}` },
    });
    expect(body.status).toEqual({ phase: 'UP' });

    const described = await h.call({ method: 'GET', url: `/cmk/v2/clusters/${id}` });
    expect(described.statusCode).toBe(200);
    expect(described.json()).toEqual(body);

    h.clock.advance(1000);
    const patched = await h.call({ method: 'PATCH', url: `/cmk/v2/clusters/${id}`, payload: { spec: { display_name: 'orders-v2' } } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().spec.display_name).toBe('orders-v2');
    expect(patched.json().metadata.updated_at).toBe(new Date(START.getTime() + 1000).toISOString());
    h.clock.set(START);

    const deleted = await h.call({ method: 'DELETE', url: `/cmk/v2/clusters/${id}` });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.headers['x-keyward-deleted']).toBe('api_keys=0, role_bindings=0, acls=0');
    expectError(await h.call({ method: 'GET', url: `/cmk/v2/clusters/${id}` }), 404, 'not_found', `Kafka cluster "${id}" not found`);
  });

  it.skipIf(skip)('places a cluster without an environment in the default environment, with keyward defaults', async () => {
    const res = await h.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: 'plain', cloud: 'self-managed', region: 'dc1' } } });
    expect(res.statusCode).toBe(201);
    expect(res.json().spec).toMatchObject({ availability: 'SINGLE_ZONE', config: { kind: 'Basic' }, kafka_bootstrap_endpoint: null, environment: { id: h.admin.environment } });
    expect((await h.call({ method: 'DELETE', url: `/cmk/v2/clusters/${res.json().id}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('filters the list by environment and 404s an unknown environment filter', async () => {
    const inEnv = await createKafkaCluster(h, 'in-env', env);
    const inDefault = await createKafkaCluster(h, 'in-default');
    const filtered = await h.call({ method: 'GET', url: `/cmk/v2/clusters?environment=${env}` });
    expect(filtered.statusCode).toBe(200);
    expect(filtered.json().kind).toBe('ClusterList');
    expect(filtered.json().data.map((c: { id: string }) => c.id)).toEqual([inEnv]);
    expect(filtered.json().metadata.total_size).toBe(1);
    expect(filtered.json().metadata.first).toBe(`http://keyward.test/cmk/v2/clusters?environment=${env}`);
    const all = await h.call({ method: 'GET', url: '/cmk/v2/clusters' });
    expect(all.json().data.map((c: { id: string }) => c.id).sort()).toEqual([inEnv, inDefault].sort());
    expectError(await h.call({ method: 'GET', url: '/cmk/v2/clusters?environment=env-zzzzzz' }), 404, 'not_found', 'Environment "env-zzzzzz" not found');
    expectError(await h.call({ method: 'GET', url: '/cmk/v2/clusters?page_size=500' }), 400, 'invalid_filter');
    for (const id of [inEnv, inDefault]) expect((await h.call({ method: 'DELETE', url: `/cmk/v2/clusters/${id}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('refuses bad cluster bodies and a cluster in an unknown environment, leaving the store unchanged', async () => {
    const before = await storeState(h);
    const post = (spec: Record<string, unknown>) => h.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: 'c', cloud: 'aws', region: 'r', ...spec } } });
    expectError(await post({ environment: { id: 'env-zzzzzz' } }), 404, 'not_found', 'Environment "env-zzzzzz" not found');
    expectError(await post({ cloud: 'ibm' }), 422, 'invalid_configuration', 'cloud must be one of aws, gcp, azure, self-managed (got "ibm")');
    expectError(await post({ region: 5 }), 422, 'invalid_configuration', /region/);
    expectError(await post({ display_name: 'n'.repeat(65) }), 422, 'invalid_configuration', 'display_name must be at most 64 characters (got 65)');
    expectError(await post({ availability: 'THREE_ZONE' }), 422, 'invalid_configuration', /availability must be one of/);
    expectError(await post({ config: { kind: 'Huge' } }), 422, 'invalid_configuration', /type must be one of/);
    expectError(await post({ kafka_bootstrap_endpoint: 'not an endpoint' }), 422, 'invalid_configuration', /kafka_bootstrap_endpoint must be HOST:PORT/);
    expectError(await h.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { display_name: 'flat' } }), 422, 'invalid_configuration', 'body: spec is required');
    const malformed = await h.call({ method: 'POST', url: '/cmk/v2/clusters', headers: { 'content-type': 'application/json' }, payload: '{"spec":' });
    expectError(malformed, 400, 'bad_request');
    expectError(await h.call({ method: 'PATCH', url: '/cmk/v2/clusters/lkc-zzzzzz', payload: { spec: { display_name: 'x' } } }), 404, 'not_found', 'Kafka cluster "lkc-zzzzzz" not found');
    expectError(await h.call({ method: 'DELETE', url: '/cmk/v2/clusters/lkc-zzzzzz' }), 404, 'not_found');
    expect(await storeState(h)).toEqual(before);
  });

  it.skipIf(skip)('deleting a Kafka cluster deletes the keys scoped to it and only those', async () => {
    const doomed = await createKafkaCluster(h, 'doomed', env);
    const kept = await createKafkaCluster(h, 'kept', env);
    const sa = await createServiceAccount(h, 'cluster-app');
    const k1 = await createKey(h, doomed, { owner: sa });
    const k2 = await createKey(h, doomed, { owner: sa });
    const k3 = await createKey(h, kept, { owner: sa });
    // a key on a cluster needs read access to it (DESIGN §9): alice reads it as its Operator
    await bindClusterReader(h, alice.id, env, doomed);
    const own = await createKey(h, doomed, { auth: alice.auth });

    const res = await h.call({ method: 'DELETE', url: `/cmk/v2/clusters/${doomed}` });
    expect(res.statusCode).toBe(204);
    expect(res.headers['x-keyward-deleted']).toBe('api_keys=3, role_bindings=1, acls=0');
    for (const k of [k1, k2, own]) expectError(await h.call({ method: 'GET', url: `/iam/v2/api-keys/${k.key}` }), 404, 'not_found');
    expect((await h.call({ method: 'GET', url: `/iam/v2/api-keys/${k3.key}` })).statusCode).toBe(200);
    const left = await h.server.runtime.store.db.selectFrom('api_keys').select('id').where('resource_id', '=', doomed).execute();
    expect(left).toEqual([]);
    expect((await h.call({ method: 'DELETE', url: `/iam/v2/service-accounts/${sa}` })).headers['x-keyward-deleted']).toBe('api_keys=1, role_bindings=0, acls=0');
    expect((await h.call({ method: 'DELETE', url: `/cmk/v2/clusters/${kept}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('registers, lists, describes and deletes a Schema Registry cluster', async () => {
    const res = await h.call({ method: 'POST', url: '/srcm/v2/clusters', payload: { spec: { display_name: 'schemas', cloud: 'gcp', region: 'europe-west1', http_endpoint: 'https://sr.example.com', environment: { id: env } } } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    const id = body.id as string;
    expectResource(body, { api_version: 'srcm/v2', kind: 'Cluster', id: /^lsrc-[a-z0-9]{6}$/, path: `/srcm/v2/clusters/${id}`, resourceName: `${orgCrn(h)}/environment=${env}/schema-registry=${id}` });
    expect(body.spec).toEqual({
      display_name: 'schemas', cloud: 'GCP', region: 'europe-west1', http_endpoint: 'https://sr.example.com',
      environment: { id: env, related: `http://keyward.test/org/v2/environments/${env}`, resource_name: `${orgCrn(h)}/environment=${env}` },
    });
    expect((await h.call({ method: 'GET', url: `/srcm/v2/clusters/${id}` })).json()).toEqual(body);
    const list = await h.call({ method: 'GET', url: `/srcm/v2/clusters?environment=${env}` });
    expect(list.json().data.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(list.json().api_version).toBe('srcm/v2');
    // Schema Registry ids are not Kafka clusters and vice versa
    expectError(await h.call({ method: 'GET', url: `/cmk/v2/clusters/${id}` }), 404, 'not_found', `Kafka cluster "${id}" not found`);
    const key = await createKey(h, id, { owner: await createServiceAccount(h, 'schemas-app') });
    const del = await h.call({ method: 'DELETE', url: `/srcm/v2/clusters/${id}` });
    expect(del.statusCode).toBe(204);
    expect(del.headers['x-keyward-deleted']).toBe('api_keys=1, role_bindings=0, acls=0');
    expectError(await h.call({ method: 'GET', url: `/iam/v2/api-keys/${key.key}` }), 404, 'not_found');
    expectError(await h.call({ method: 'GET', url: `/srcm/v2/clusters/${id}` }), 404, 'not_found', `Schema Registry cluster "${id}" not found`);
  });

  it.skipIf(skip)('refuses bad Schema Registry bodies', async () => {
    const before = await storeState(h);
    const post = (spec: Record<string, unknown>) => h.call({ method: 'POST', url: '/srcm/v2/clusters', payload: { spec: { display_name: 'sr', cloud: 'aws', region: 'r', ...spec } } });
    expectError(await post({ http_endpoint: 'ftp://sr' }), 422, 'invalid_configuration', /http_endpoint must be an http/);
    expectError(await post({ environment: { id: 'env-zzzzzz' } }), 404, 'not_found', 'Environment "env-zzzzzz" not found');
    expectError(await post({ cloud: false }), 422, 'invalid_configuration');
    expectError(await h.call({ method: 'DELETE', url: '/srcm/v2/clusters/lsrc-zzzzzz' }), 404, 'not_found', 'Schema Registry cluster "lsrc-zzzzzz" not found');
    expect(await storeState(h)).toEqual(before);
  });

  it.skipIf(skip)('pages through more than ten Kafka clusters', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) ids.push(await createKafkaCluster(h, `paged-${i}`, env));
    const first = await h.call({ method: 'GET', url: `/cmk/v2/clusters?environment=${env}` });
    expect(first.json().data).toHaveLength(10);
    expect(first.json().metadata.total_size).toBe(11);
    const next = (first.json().metadata.next as string).replace('http://keyward.test', '');
    expect(next).toContain(`environment=${env}`);
    const second = await h.call({ method: 'GET', url: next });
    expect(second.json().data).toHaveLength(1);
    expect(second.json().metadata.next).toBeUndefined();
    const seen = [...first.json().data, ...second.json().data].map((c: { id: string }) => c.id);
    expect(seen.sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await h.call({ method: 'DELETE', url: `/cmk/v2/clusters/${id}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('requires authentication, a cloud key and the OrganizationAdmin role for changes', async () => {
    const lkc = await createKafkaCluster(h, 'guarded', env);
    const scoped = await createKey(h, lkc, { owner: await createServiceAccount(h, 'guarded-app') });
    const before = await storeState(h);
    const none = await h.call({ method: 'POST', url: '/cmk/v2/clusters', auth: null, payload: { spec: { display_name: 'x', cloud: 'aws', region: 'r' } } });
    expectError(none, 401, 'user_unauthenticated');
    expect(none.headers['www-authenticate']).toBeUndefined();
    expectError(await h.call({ method: 'GET', url: '/srcm/v2/clusters', auth: { key: h.admin.key, secret: 'kw_wrong' } }), 401, 'user_unauthenticated', 'Invalid API key or secret');
    expectError(await h.call({ method: 'GET', url: '/cmk/v2/clusters', auth: scoped }), 401, 'user_unauthenticated', 'Use a cloud API key for the management API');
    for (const [method, url, payload] of [
      ['POST', '/cmk/v2/clusters', { spec: { display_name: 'x', cloud: 'aws', region: 'r' } }],
      ['PATCH', `/cmk/v2/clusters/${lkc}`, { spec: { display_name: 'mine' } }],
      ['DELETE', `/cmk/v2/clusters/${lkc}`, undefined],
      ['POST', '/srcm/v2/clusters', { spec: { display_name: 'x', cloud: 'aws', region: 'r' } }],
    ] as const) {
      // creating is refused (403); an existing object alice may not read answers as a missing one (DESIGN §9)
      const creating = method === 'POST' && !url.includes('/keyward/v1/');
      expectError(await h.call({ method, url, auth: alice.auth, ...(payload ? { payload } : {}) }), creating ? 403 : 404, creating ? 'user_unauthorized' : 'not_found');
    }
    expect(await storeState(h)).toEqual(before);
    expect((await h.call({ method: 'DELETE', url: `/cmk/v2/clusters/${lkc}` })).statusCode).toBe(204);
  });

  it.skipIf(skip)('never leaks a secret, a digest or a stack trace and always sends X-Request-Id', () => {
    expectNoLeaks(h.recorded);
  });
});
