import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { START } from '../api/support.js';
import { hashSecret, isWellFormedSecret } from '../../src/domain/secrets.js';
import { apiKeysRepo } from '../../src/store/repositories/api-keys.js';
import { KeywardError } from '../../src/domain/errors.js';
import { expectKeywardError, startServices, type ServiceHarness } from './support.js';

const DAY = 86_400_000;

describe.each(DIALECTS)('API key service on $name', ({ skip, create }) => {
  let s: ServiceHarness;
  let env: string;
  let lkc: string;
  let sa: string;
  let alice: string;
  beforeAll(async () => {
    if (skip) return;
    s = await startServices(await create());
    env = (await s.services.environments.create(s.adminCtx, { name: 'apps' })).id;
    lkc = (await s.services.kafkaClusters.create(s.adminCtx, { name: 'orders', cloud: 'aws', region: 'r', environment: env })).id;
    sa = (await s.services.serviceAccounts.create(s.adminCtx, { name: 'orders-app', description: '' })).id;
    alice = (await s.services.users.create(s.adminCtx, { email: 'alice@example.com', fullName: 'Alice' })).user.id;
    // Operator on the cluster: a key on a cluster needs read access to it (DESIGN §9)
    await s.services.roleBindings.create(s.adminCtx, { principal: `User:${alice}`, roleName: 'Operator', crnPattern: `crn://keyward/organization=${s.admin.organization}/environment=${env}/cloud-cluster=${lkc}` });
  });
  afterAll(async () => s?.close());

  it.skipIf(skip)('returns the secret once, keeps only its SHA-256 and never puts either in the audit log', async () => {
    const created = await s.services.apiKeys.create(s.adminCtx, { resource: lkc, serviceAccount: sa, description: 'producer', expiresIn: '30d' });
    expect(isWellFormedSecret(created.secret)).toBe(true);
    expect(Object.keys(created.key)).not.toContain('secret_hash');
    expect(created.key).toEqual({
      id: expect.stringMatching(/^[A-Z0-9]{16}$/), display_name: '', description: 'producer',
      owner: { id: sa, kind: 'service-account', email: '<service account>' }, resource: { id: lkc, kind: 'kafka', environment: env },
      status: 'ACTIVE', state: 'active', created_at: START.toISOString(), updated_at: START.toISOString(),
      expires_at: new Date(START.getTime() + 30 * DAY).toISOString(), last_used: null, replaces: null, replaced_by: null,
    });
    const row = await apiKeysRepo.find(s.runtime.store.db, created.key.id);
    expect(row?.secret_hash).toBe(hashSecret(created.secret));
    expect(JSON.stringify(row)).not.toContain(created.secret);
    const events = await s.managementEvents('iam.CreateAPIKey');
    const mine = events.find((e) => (e.event.data as { request: { id: string } }).request.id === created.key.id);
    expect(mine?.event.subject).toBe(`crn://keyward/organization=${s.admin.organization}/environment=${env}/cloud-cluster=${lkc}`);
    expect((mine?.event.data as { request: unknown }).request).toEqual({ id: created.key.id, owner: sa, resource: lkc, expires_at: created.key.expires_at });
    const all = await s.runtime.store.db.selectFrom('audit_events').select('event').execute();
    for (const { event } of all) {
      expect(event).not.toContain(created.secret);
      expect(event).not.toContain(hashSecret(created.secret));
      expect(event).not.toContain('secret_hash');
    }
  });

  it.skipIf(skip)('audits every change of a Kafka key under the cluster it is for', async () => {
    const { key } = await s.services.apiKeys.create(s.adminCtx, { resource: lkc, serviceAccount: sa });
    await s.services.apiKeys.update(s.adminCtx, key.id, { description: 'renamed' });
    await s.services.apiKeys.setStatus(s.adminCtx, key.id, 'DISABLED');
    await s.services.apiKeys.setStatus(s.adminCtx, key.id, 'ACTIVE');
    await s.services.apiKeys.delete(s.adminCtx, key.id);
    const clusterCrn = `crn://keyward/organization=${s.admin.organization}/environment=${env}/cloud-cluster=${lkc}`;
    const about = (await s.managementEvents()).filter((e) => (e.event.data as { request?: { id?: string } }).request?.id === key.id);
    expect(about.map((e) => e.method)).toEqual(['iam.CreateAPIKey', 'iam.UpdateAPIKey', 'iam.DisableAPIKey', 'iam.EnableAPIKey', 'iam.DeleteAPIKey']);
    for (const e of about) expect(e.event.subject, e.method).toBe(clusterCrn);
  });

  it.skipIf(skip)('enforces who may create keys for whom', async () => {
    const aliceCtx = s.as({ id: alice });
    await expectKeywardError(s.services.apiKeys.create(s.adminCtx, { resource: 'cloud', serviceAccount: alice }), 'user_unauthorized', /Nobody can create API keys for another user/);
    await expectKeywardError(s.services.apiKeys.create(aliceCtx, { resource: 'cloud', serviceAccount: s.admin.user }), 'user_unauthorized', /Nobody can create API keys for another user/);
    await expectKeywardError(s.services.apiKeys.create(aliceCtx, { resource: lkc, serviceAccount: sa }), 'user_unauthorized', new RegExp(sa));
    // nobody creates keys for another user, existing or not: the refusal does not tell which (DESIGN §9)
    await expectKeywardError(s.services.apiKeys.create(s.adminCtx, { resource: 'cloud', serviceAccount: 'u-zzzzzz' }), 'user_unauthorized', /Nobody can create API keys for another user/);
    await expectKeywardError(s.services.apiKeys.create(s.adminCtx, { resource: 'cloud', serviceAccount: 'sa-zzzzzz' }), 'not_found', 'Service account "sa-zzzzzz" not found');
    await expectKeywardError(s.services.apiKeys.create(s.adminCtx, { resource: 'cloud', serviceAccount: 12 }), 'invalid_configuration');
    const own = await s.services.apiKeys.create(aliceCtx, { resource: lkc, serviceAccount: alice });
    expect(own.key.owner).toEqual({ id: alice, kind: 'user', email: 'alice@example.com' });
    // a service account acting for itself may manage its own keys
    const saOwn = await s.services.apiKeys.create(s.as({ id: sa }), { resource: 'cloud' });
    expect(saOwn.key.owner.id).toBe(sa);
    await s.services.apiKeys.delete(s.as({ id: sa }), saOwn.key.id);
    await s.services.apiKeys.delete(aliceCtx, own.key.id);
  });

  it.skipIf(skip)('hides other principals\' keys from a non-admin as if they did not exist', async () => {
    const { key } = await s.services.apiKeys.create(s.adminCtx, { resource: lkc, serviceAccount: sa });
    const aliceCtx = s.as({ id: alice });
    const detail = `API key "${key.id}" not found`;
    await expectKeywardError(s.services.apiKeys.get(aliceCtx, key.id), 'not_found', detail);
    await expectKeywardError(s.services.apiKeys.update(aliceCtx, key.id, { description: 'x' }), 'not_found', detail);
    await expectKeywardError(s.services.apiKeys.setStatus(aliceCtx, key.id, 'DISABLED'), 'not_found', detail);
    await expectKeywardError(s.services.apiKeys.delete(aliceCtx, key.id), 'not_found', detail);
    expect((await s.services.apiKeys.get(s.adminCtx, key.id)).status).toBe('ACTIVE');
    const page = await s.services.apiKeys.list(aliceCtx, {}, { pageSize: 100 });
    expect(page.items.every((k) => k.owner.id === alice)).toBe(true);
    expect(page.total).toBe(page.items.length);
    // asking for another owner's keys is refused or filtered to nothing (role bindings decide which): never a key
    const others = await s.services.apiKeys.list(aliceCtx, { owner: sa }, {}).catch((e: unknown) => e);
    if (others instanceof KeywardError) expect(others.code).toBe('user_unauthorized');
    else expect(others).toMatchObject({ items: [], total: 0 });
    await s.services.apiKeys.delete(s.adminCtx, key.id);
  });

  it.skipIf(skip)('validates expiry, descriptions and resources', async () => {
    const base = { resource: lkc, serviceAccount: sa };
    await expectKeywardError(s.services.apiKeys.create(s.adminCtx, { ...base, expiresIn: '0' }), 'invalid_configuration', 'expires_in must be greater than zero');
    await expectKeywardError(s.services.apiKeys.create(s.adminCtx, { ...base, expiresIn: '10 parsecs' }), 'invalid_configuration', /Invalid expires_in/);
    await expectKeywardError(s.services.apiKeys.create(s.adminCtx, { ...base, expiresAt: START.toISOString() }), 'invalid_configuration', 'expires_at must be in the future');
    await expectKeywardError(s.services.apiKeys.create(s.adminCtx, { ...base, expiresIn: 5 }), 'invalid_configuration', 'expires_in and expires_at must be strings');
    await expectKeywardError(s.services.apiKeys.create(s.adminCtx, { ...base, description: 'd'.repeat(257) }), 'invalid_configuration');
    await expectKeywardError(s.services.apiKeys.create(s.adminCtx, { ...base, resource: '' }), 'invalid_configuration', /resource is required/);
    await expectKeywardError(s.services.apiKeys.create(s.adminCtx, { ...base, resource: 'lkc-zzzzzz' }), 'not_found', 'Kafka cluster "lkc-zzzzzz" not found');
    await expectKeywardError(s.services.apiKeys.create(s.adminCtx, { ...base, resource: env }), 'invalid_configuration', /Unknown resource/);
    await expectKeywardError(s.services.apiKeys.list(s.adminCtx, { status: 'ACTIVE' }, {}), 'invalid_filter');
    const ok = await s.services.apiKeys.create(s.adminCtx, { ...base, description: 'd'.repeat(256), expiresAt: '2026-03-01T13:00:00Z' });
    expect(ok.key.description).toHaveLength(256);
    expect(ok.key.expires_at).toBe('2026-03-01T13:00:00.000Z');
    s.clock.advance(3600_000);
    try {
      expect((await s.services.apiKeys.get(s.adminCtx, ok.key.id)).state).toBe('expired');
      const expired = await s.services.apiKeys.list(s.adminCtx, { owner: sa, status: 'expired' }, {});
      expect(expired.items.map((k) => k.id)).toEqual([ok.key.id]);
    } finally {
      s.clock.set(START);
    }
    await s.services.apiKeys.delete(s.adminCtx, ok.key.id);
  });

  it.skipIf(skip)('announces status changes and deletions to the caches, and only real changes', async () => {
    const { key } = await s.services.apiKeys.create(s.adminCtx, { resource: 'cloud', serviceAccount: sa });
    s.changes.length = 0;
    const disabled = await s.services.apiKeys.setStatus(s.adminCtx, key.id, 'DISABLED');
    expect(disabled).toMatchObject({ status: 'DISABLED', state: 'disabled' });
    expect(s.changes).toEqual([{ kind: 'api-key', id: key.id }]);
    const eventsBefore = await s.managementEvents('iam.DisableAPIKey');
    await s.services.apiKeys.setStatus(s.adminCtx, key.id, 'DISABLED');
    expect(await s.managementEvents('iam.DisableAPIKey')).toEqual(eventsBefore);
    expect(s.changes).toHaveLength(1);
    await s.services.apiKeys.delete(s.adminCtx, key.id);
    expect(s.changes).toEqual([{ kind: 'api-key', id: key.id }, { kind: 'api-key', id: key.id }]);
  });

  it.skipIf(skip)('deleting one key of a rotation pair clears the link on the other', async () => {
    const oldKey = await s.services.apiKeys.create(s.adminCtx, { resource: lkc, serviceAccount: sa });
    const newKey = await s.services.apiKeys.create(s.adminCtx, { resource: lkc, serviceAccount: sa });
    await apiKeysRepo.update(s.runtime.store.db, oldKey.key.id, { replaced_by: newKey.key.id });
    await apiKeysRepo.update(s.runtime.store.db, newKey.key.id, { replaces: oldKey.key.id });
    expect((await s.services.apiKeys.get(s.adminCtx, newKey.key.id)).replaces).toBe(oldKey.key.id);
    await s.services.apiKeys.delete(s.adminCtx, oldKey.key.id);
    expect((await s.services.apiKeys.get(s.adminCtx, newKey.key.id)).replaces).toBeNull();
    await s.services.apiKeys.delete(s.adminCtx, newKey.key.id);
  });

  it.skipIf(skip)('filters by environment across Kafka and Schema Registry clusters', async () => {
    const sr = await s.services.schemaRegistries.create(s.adminCtx, { name: 'sr', cloud: 'aws', region: 'r', environment: env });
    const a = await s.services.apiKeys.create(s.adminCtx, { resource: lkc, serviceAccount: sa });
    const b = await s.services.apiKeys.create(s.adminCtx, { resource: sr.id, serviceAccount: sa });
    const c = await s.services.apiKeys.create(s.adminCtx, { resource: 'cloud', serviceAccount: sa });
    const inEnv = await s.services.apiKeys.list(s.adminCtx, { owner: sa, environment: env }, { pageSize: 100 });
    const ids = inEnv.items.map((k) => k.id);
    expect(ids).toEqual(expect.arrayContaining([a.key.id, b.key.id]));
    expect(ids).not.toContain(c.key.id);
    expect(inEnv.items.every((k) => k.resource.environment === env)).toBe(true);
    expect(inEnv.total).toBe(ids.length);
    const elsewhere = await s.services.apiKeys.list(s.adminCtx, { owner: sa, environment: s.admin.environment }, {});
    expect(elsewhere.items).toEqual([]);
    expect(elsewhere.total).toBe(0);
    for (const k of [a, b, c]) await s.services.apiKeys.delete(s.adminCtx, k.key.id);
    await s.services.schemaRegistries.delete(s.adminCtx, sr.id);
  });
});
