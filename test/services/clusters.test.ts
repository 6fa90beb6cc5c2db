import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { START } from '../api/support.js';
import { clustersRepo } from '../../src/store/repositories/clusters.js';
import { expectKeywardError, startServices, type ServiceHarness } from './support.js';

describe.each(DIALECTS)('cluster services on $name', ({ skip, create }) => {
  let s: ServiceHarness;
  let env: string;
  beforeAll(async () => {
    if (skip) return;
    s = await startServices(await create());
    env = (await s.services.environments.create(s.adminCtx, { name: 'streams' })).id;
  });
  afterAll(async () => s?.close());

  it.skipIf(skip)('registers a Kafka cluster with keyward defaults in the default environment', async () => {
    const c = await s.services.kafkaClusters.create(s.adminCtx, { name: 'orders', cloud: 'AZURE', region: 'westeurope' });
    expect(c).toEqual({
      id: expect.stringMatching(/^lkc-[a-z0-9]{6}$/), kind: 'kafka', environment_id: s.admin.environment, name: 'orders', provider: 'azure', region: 'westeurope',
      type: 'basic', availability: 'single-zone', endpoint: null, status: 'UP', created_at: START.toISOString(), updated_at: START.toISOString(),
    });
    expect(s.services.kafkaClusters.crn(c)).toBe(`crn://keyward/organization=${s.admin.organization}/environment=${s.admin.environment}/cloud-cluster=${c.id}`);
    const [event] = await s.managementEvents('cmk.CreateCluster');
    expect(event?.event.subject).toBe(s.services.kafkaClusters.crn(c));
    await s.services.kafkaClusters.delete(s.adminCtx, c.id);
  });

  it.skipIf(skip)('validates every field of a cluster', async () => {
    const base = { name: 'c', cloud: 'aws', region: 'r' };
    await expectKeywardError(s.services.kafkaClusters.create(s.adminCtx, { ...base, cloud: 'oracle' }), 'invalid_configuration', 'cloud must be one of aws, gcp, azure, self-managed (got "oracle")');
    await expectKeywardError(s.services.kafkaClusters.create(s.adminCtx, { ...base, type: 'mega' }), 'invalid_configuration', /type must be one of basic, standard, enterprise, dedicated/);
    await expectKeywardError(s.services.kafkaClusters.create(s.adminCtx, { ...base, availability: 'none' }), 'invalid_configuration', /availability must be one of single-zone, multi-zone/);
    await expectKeywardError(s.services.kafkaClusters.create(s.adminCtx, { ...base, endpoint: 'http://x' }), 'invalid_configuration', /HOST:PORT/);
    await expectKeywardError(s.services.kafkaClusters.create(s.adminCtx, { ...base, region: '' }), 'invalid_configuration', 'region must not be empty');
    await expectKeywardError(s.services.kafkaClusters.create(s.adminCtx, { ...base, environment: 'env-zzzzzz' }), 'not_found', 'Environment "env-zzzzzz" not found');
    await expectKeywardError(s.services.kafkaClusters.create(s.adminCtx, { ...base, environment: 7 }), 'invalid_configuration', 'environment must be an environment id');
    await expectKeywardError(s.services.schemaRegistries.create(s.adminCtx, { ...base, endpoint: 'sr.example.com:8081' }), 'invalid_configuration', /http_endpoint must be an http/);
    await expectKeywardError(s.services.kafkaClusters.create(s.as({ id: 'u-nobody' }), base), 'user_unauthorized');
    await expectKeywardError(s.services.kafkaClusters.update(s.adminCtx, 'lkc-zzzzzz', { name: 'x' }), 'not_found', 'Kafka cluster "lkc-zzzzzz" not found');
    expect(await s.managementEvents('cmk.CreateCluster')).toHaveLength(1);
    expect(await s.managementEvents('srcm.CreateCluster')).toHaveLength(0);
  });

  it.skipIf(skip)('keeps Kafka and Schema Registry clusters apart', async () => {
    const sr = await s.services.schemaRegistries.create(s.adminCtx, { name: 'sr', cloud: 'gcp', region: 'r', endpoint: 'https://sr.example.com', environment: env });
    expect(sr).toMatchObject({ kind: 'schema-registry', type: null, availability: null, endpoint: 'https://sr.example.com', environment_id: env });
    expect(sr.id).toMatch(/^lsrc-[a-z0-9]{6}$/);
    await expectKeywardError(s.services.kafkaClusters.update(s.adminCtx, sr.id, { name: 'x' }), 'not_found', `Kafka cluster "${sr.id}" not found`);
    await expectKeywardError(s.services.kafkaClusters.delete(s.adminCtx, sr.id), 'not_found');
    const kafka = await clustersRepo.all(s.runtime.store.db, 'kafka', { environmentId: env });
    expect(kafka).toEqual([]);
    const registries = await clustersRepo.all(s.runtime.store.db, 'schema-registry', { environmentId: env });
    expect(registries.map((c) => c.id)).toEqual([sr.id]);
    expect(await s.services.schemaRegistries.delete(s.adminCtx, sr.id)).toEqual({ api_keys: 0, role_bindings: 0, acls: 0 });
  });

  it.skipIf(skip)('deleting a cluster deletes its keys and ACLs in one change and announces each key', async () => {
    const c = await s.services.kafkaClusters.create(s.adminCtx, { name: 'doomed', cloud: 'aws', region: 'r', environment: env });
    const sa = await s.services.serviceAccounts.create(s.adminCtx, { name: 'doomed-app', description: '' });
    const k1 = await s.services.apiKeys.create(s.adminCtx, { resource: c.id, serviceAccount: sa.id });
    const k2 = await s.services.apiKeys.create(s.adminCtx, { resource: c.id });
    const other = await s.services.apiKeys.create(s.adminCtx, { resource: 'cloud', serviceAccount: sa.id });
    await s.runtime.store.db.insertInto('acls').values({
      id: 'acl-doomed-1', cluster_id: c.id, principal: `User:${sa.id}`, permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC',
      resource_name: 'orders', pattern_type: 'LITERAL', host: '*', created_at: START.toISOString(),
    }).execute();
    s.changes.length = 0;
    expect(await s.services.kafkaClusters.delete(s.adminCtx, c.id)).toEqual({ api_keys: 2, role_bindings: 0, acls: 1 });
    expect(s.changes).toEqual(expect.arrayContaining([{ kind: 'api-key', id: k1.key.id }, { kind: 'api-key', id: k2.key.id }, { kind: 'grants' }]));
    expect(s.changes.some((ch) => ch.kind === 'api-key' && ch.id === other.key.id)).toBe(false);
    expect(await s.runtime.store.db.selectFrom('api_keys').select('id').where('resource_id', '=', c.id).execute()).toEqual([]);
    expect(await s.runtime.store.db.selectFrom('acls').select('id').where('cluster_id', '=', c.id).execute()).toEqual([]);
    const event = (await s.managementEvents('cmk.DeleteCluster')).find((e) => e.event.subject === s.services.kafkaClusters.crn(c));
    expect((event?.event.data as { request: unknown }).request).toEqual({ id: c.id, deleted_api_keys: 2, deleted_role_bindings: 0, deleted_acls: 1 });
    expect((await s.services.apiKeys.get(s.adminCtx, other.key.id)).id).toBe(other.key.id);
    await s.services.serviceAccounts.delete(s.adminCtx, sa.id);
  });
});
