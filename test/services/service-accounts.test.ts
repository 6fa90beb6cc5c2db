import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { START } from '../api/support.js';
import { KeywardError } from '../../src/domain/errors.js';
import { DUPLICATE_SERVICE_ACCOUNT } from '../../src/services/service-accounts.js';
import { serviceAccountsRepo } from '../../src/store/repositories/service-accounts.js';
import { REQUEST, expectKeywardError, secondInstance, startServices, type ServiceHarness } from './support.js';

describe.each(DIALECTS)('service-account service on $name', ({ name, skip, create }) => {
  let s: ServiceHarness;
  beforeAll(async () => {
    if (skip) return;
    s = await startServices(await create());
  });
  afterAll(async () => s?.close());

  it.skipIf(skip)('creates an account and refuses a duplicate name', async () => {
    const sa = await s.services.serviceAccounts.create(s.adminCtx, { name: ' billing ', description: 'Billing app' });
    expect(sa).toEqual({ id: expect.stringMatching(/^sa-[a-z0-9]{6}$/), name: 'billing', description: 'Billing app', status: 'ACTIVE', created_at: START.toISOString(), updated_at: START.toISOString() });
    const [event] = await s.managementEvents('iam.CreateServiceAccount');
    expect(event?.event.subject).toBe(`crn://keyward/organization=${s.admin.organization}/service-account=${sa.id}`);
    await expectKeywardError(s.services.serviceAccounts.create(s.adminCtx, { name: 'billing', description: '' }), 'resource_already_exists', DUPLICATE_SERVICE_ACCOUNT);
    expect(DUPLICATE_SERVICE_ACCOUNT).toBe('Service name is already in use');
    await expectKeywardError(s.services.serviceAccounts.create(s.adminCtx, { name: 'x'.repeat(65), description: '' }), 'invalid_configuration');
    await expectKeywardError(s.services.serviceAccounts.create(s.adminCtx, { name: 'ok', description: 'x'.repeat(129) }), 'invalid_configuration', 'description must be at most 128 characters (got 129)');
    await expectKeywardError(s.services.serviceAccounts.create(s.as({ id: 'u-nobody' }), { name: 'mine', description: '' }), 'user_unauthorized');
    expect(await s.managementEvents('iam.CreateServiceAccount')).toHaveLength(1);
    const byName = await serviceAccountsRepo.all(s.runtime.store.db, { name: 'billing' });
    expect(byName.map((x) => x.id)).toEqual([sa.id]);
  });

  it.skipIf(skip || name !== 'postgres')('two instances creating one name concurrently give one account and a conflict', async () => {
    const other = await secondInstance(s);
    try {
      for (let round = 0; round < 5; round++) {
        const accountName = `twin-${round}`;
        const results = await Promise.allSettled([
          s.services.serviceAccounts.create(s.adminCtx, { name: accountName, description: 'A' }),
          other.runtime.services.serviceAccounts.create(other.adminCtx, { name: accountName, description: 'B' }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled'), accountName).toHaveLength(1);
        const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(failure.reason, accountName).toBeInstanceOf(KeywardError);
        expect((failure.reason as KeywardError).code).toBe('resource_already_exists');
        expect((failure.reason as KeywardError).message).toBe(DUPLICATE_SERVICE_ACCOUNT);
      }
    } finally {
      await other.runtime.close();
    }
  });

  it.skipIf(skip)('disabling blocks the account\'s keys at once and is announced once', async () => {
    const sa = await s.services.serviceAccounts.create(s.adminCtx, { name: 'robot', description: '' });
    const key = await s.services.apiKeys.create(s.adminCtx, { resource: 'cloud', serviceAccount: sa.id });
    expect((await s.services.authenticate(key.key.id, key.secret, REQUEST)).id).toBe(sa.id);
    s.changes.length = 0;
    expect((await s.services.serviceAccounts.disable(s.adminCtx, sa.id)).status).toBe('DISABLED');
    expect(s.changes).toEqual([{ kind: 'owner', id: sa.id }]);
    await expectKeywardError(s.services.authenticate(key.key.id, key.secret, REQUEST), 'user_unauthenticated', /disabled/);
    await s.services.serviceAccounts.disable(s.adminCtx, sa.id);
    expect(s.changes).toHaveLength(1);
    expect((await s.managementEvents('iam.DisableServiceAccount')).length).toBe(1);
    expect((await s.services.serviceAccounts.enable(s.adminCtx, sa.id)).status).toBe('ACTIVE');
    expect((await s.services.authenticate(key.key.id, key.secret, REQUEST)).id).toBe(sa.id);
    // an account without service-account:read on itself does not see itself: 404, as for a missing one (DESIGN §9)
    await expectKeywardError(s.services.serviceAccounts.disable(s.as({ id: sa.id }), sa.id), 'not_found');
    await s.services.serviceAccounts.delete(s.adminCtx, sa.id);
  });

  it.skipIf(skip)('deleting an account removes its keys, role bindings and ACLs in one change', async () => {
    const sa = await s.services.serviceAccounts.create(s.adminCtx, { name: 'doomed', description: '' });
    const lkc = await s.services.kafkaClusters.create(s.adminCtx, { name: 'c', cloud: 'aws', region: 'r' });
    const keys = [
      await s.services.apiKeys.create(s.adminCtx, { resource: lkc.id, serviceAccount: sa.id }),
      await s.services.apiKeys.create(s.adminCtx, { resource: 'cloud', serviceAccount: sa.id }),
    ];
    const db = s.runtime.store.db;
    await db.insertInto('role_bindings').values([
      { id: 'rb-doom01', principal: `User:${sa.id}`, role_name: 'DeveloperRead', crn_pattern: 'crn://keyward/*', created_at: START.toISOString() },
      { id: 'rb-doom02', principal: `User:${sa.id}`, role_name: 'DeveloperWrite', crn_pattern: 'crn://keyward/*', created_at: START.toISOString() },
    ]).execute();
    await db.insertInto('acls').values({
      id: 'acl-doomed-sa', cluster_id: lkc.id, principal: `User:${sa.id}`, permission: 'ALLOW', operation: 'WRITE', resource_type: 'TOPIC',
      resource_name: 'orders', pattern_type: 'LITERAL', host: '*', created_at: START.toISOString(),
    }).execute();
    s.changes.length = 0;
    expect(await s.services.serviceAccounts.delete(s.adminCtx, sa.id)).toEqual({ api_keys: 2, role_bindings: 2, acls: 1 });
    expect(s.changes).toEqual(expect.arrayContaining([...keys.map((k) => ({ kind: 'api-key', id: k.key.id })), { kind: 'owner', id: sa.id }]));
    expect(await db.selectFrom('api_keys').select('id').where('owner_id', '=', sa.id).execute()).toEqual([]);
    expect(await db.selectFrom('role_bindings').select('id').where('principal', '=', `User:${sa.id}`).execute()).toEqual([]);
    expect(await db.selectFrom('acls').select('id').where('principal', '=', `User:${sa.id}`).execute()).toEqual([]);
    await expectKeywardError(s.services.authenticate(keys[1]!.key.id, keys[1]!.secret, REQUEST), 'user_unauthenticated', 'Invalid API key or secret');
    expect(await serviceAccountsRepo.find(db, sa.id)).toBeUndefined();
    await expectKeywardError(s.services.serviceAccounts.delete(s.adminCtx, sa.id), 'not_found', `Service account "${sa.id}" not found`);
    await s.services.kafkaClusters.delete(s.adminCtx, lkc.id);
  });
});
