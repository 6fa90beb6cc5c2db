import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { START } from '../api/support.js';
import { hashSecret, isWellFormedSecret } from '../../src/domain/secrets.js';
import { KeywardError } from '../../src/domain/errors.js';
import { usersRepo } from '../../src/store/repositories/users.js';
import { expectKeywardError, secondInstance, startServices, type ServiceHarness } from './support.js';

describe.each(DIALECTS)('user service on $name', ({ name, skip, create }) => {
  let s: ServiceHarness;
  beforeAll(async () => {
    if (skip) return;
    s = await startServices(await create());
  });
  afterAll(async () => s?.close());

  it.skipIf(skip)('creates the user and its first cloud key in one change', async () => {
    const created = await s.services.users.create(s.adminCtx, { email: ' Dana@Example.COM ', fullName: 'Dana' });
    expect(created.user).toEqual({ id: expect.stringMatching(/^u-[a-z0-9]{6}$/), email: 'dana@example.com', full_name: 'Dana', status: 'ACTIVE', created_at: START.toISOString(), updated_at: START.toISOString() });
    expect(created.key).toMatch(/^[A-Z0-9]{16}$/);
    expect(isWellFormedSecret(created.secret)).toBe(true);
    const key = await s.services.apiKeys.get(s.adminCtx, created.key);
    expect(key).toMatchObject({ owner: { id: created.user.id, kind: 'user', email: 'dana@example.com' }, resource: { id: 'cloud', kind: 'cloud', environment: null }, description: 'First cloud API key of dana@example.com' });
    const events = await s.managementEvents();
    const [createUser, createKey] = events.slice(-2);
    expect(createUser?.method).toBe('iam.CreateUser');
    expect(createKey?.method).toBe('iam.CreateAPIKey');
    expect(createUser?.event.subject).toBe(`crn://keyward/organization=${s.admin.organization}/user=${created.user.id}`);
    for (const e of events) {
      expect(e.raw).not.toContain(created.secret);
      expect(e.raw).not.toContain(hashSecret(created.secret));
    }
    // the new user's key authenticates, as a principal without the OrganizationAdmin role
    const actor = await s.services.authenticate(created.key, created.secret, { clientAddress: '127.0.0.1', requestId: 'r', userAgent: '' });
    expect(actor).toEqual({ kind: 'user', id: created.user.id, principal: `User:${created.user.id}`, apiKeyId: created.key });
  });

  it.skipIf(skip)('validates input and refuses duplicates and non-admins without writing', async () => {
    const before = await s.managementEvents();
    await expectKeywardError(s.services.users.create(s.adminCtx, { email: 'DANA@example.com', fullName: 'Again' }), 'resource_already_exists', 'A user with email "dana@example.com" already exists');
    await expectKeywardError(s.services.users.create(s.adminCtx, { email: 'a b@example.com', fullName: 'X' }), 'invalid_configuration', '"a b@example.com" is not an email address');
    await expectKeywardError(s.services.users.create(s.adminCtx, { email: 'x@example.com', fullName: '' }), 'invalid_configuration', 'full_name must not be empty');
    await expectKeywardError(s.services.users.create(s.adminCtx, { email: undefined, fullName: 'X' }), 'invalid_configuration', 'email must be a string');
    await expectKeywardError(s.services.users.create(s.as({ id: 'u-nobody' }), { email: 'y@example.com', fullName: 'Y' }), 'user_unauthorized');
    await expectKeywardError(s.services.users.update(s.adminCtx, 'u-zzzzzz', { fullName: 'Z' }), 'not_found', 'User "u-zzzzzz" not found');
    await expectKeywardError(s.services.users.delete(s.adminCtx, s.admin.user), 'invalid_configuration', 'You cannot delete your own user');
    expect(await s.managementEvents()).toEqual(before);
  });

  it.skipIf(skip)('concurrent creations with one email give one user and conflicts, never a driver error', async () => {
    const results = await Promise.allSettled([1, 2, 3].map((n) => s.services.users.create(s.adminCtx, { email: 'race@example.com', fullName: `Racer ${n}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(KeywardError);
      expect(((r as PromiseRejectedResult).reason as KeywardError).code).toBe('resource_already_exists');
    }
    const rows = await s.runtime.store.db.selectFrom('users').select('id').where('email', '=', 'race@example.com').execute();
    expect(rows).toHaveLength(1);
  });

  it.skipIf(skip || name !== 'postgres')('two instances creating one email concurrently give one user and a conflict', async () => {
    const other = await secondInstance(s);
    try {
      for (let round = 0; round < 5; round++) {
        const email = `twin${round}@example.com`;
        const results = await Promise.allSettled([
          s.services.users.create(s.adminCtx, { email, fullName: 'Twin A' }),
          other.runtime.services.users.create(other.adminCtx, { email, fullName: 'Twin B' }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled'), email).toHaveLength(1);
        const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(failure.reason, email).toBeInstanceOf(KeywardError);
        expect((failure.reason as KeywardError).code).toBe('resource_already_exists');
        expect((failure.reason as KeywardError).message).toBe(`A user with email "${email}" already exists`);
      }
    } finally {
      await other.runtime.close();
    }
  });

  it.skipIf(skip)('deleting a user removes its keys, role bindings and ACLs and announces them', async () => {
    const { user, key } = await s.services.users.create(s.adminCtx, { email: 'gone@example.com', fullName: 'Gone' });
    const lkc = await s.services.kafkaClusters.create(s.adminCtx, { name: 'c', cloud: 'aws', region: 'r' });
    const db = s.runtime.store.db;
    // Operator on the cluster: a key on a cluster needs read access to it (DESIGN §9)
    const crnPattern = `crn://keyward/organization=${s.admin.organization}/environment=${lkc.environment_id}/cloud-cluster=${lkc.id}`;
    await s.services.roleBindings.create(s.adminCtx, { principal: `User:${user.id}`, roleName: 'Operator', crnPattern });
    const second = await s.services.apiKeys.create(s.as({ id: user.id }), { resource: lkc.id });
    await db.insertInto('acls').values({
      id: 'acl-gone-1', cluster_id: lkc.id, principal: `User:${user.id}`, permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC',
      resource_name: 'orders', pattern_type: 'LITERAL', host: '*', created_at: START.toISOString(),
    }).execute();
    s.changes.length = 0;
    expect(await s.services.users.delete(s.adminCtx, user.id)).toEqual({ api_keys: 2, role_bindings: 1, acls: 1 });
    expect(s.changes).toEqual(expect.arrayContaining([
      { kind: 'api-key', id: key }, { kind: 'api-key', id: second.key.id }, { kind: 'owner', id: user.id }, { kind: 'grants', principal: `User:${user.id}` },
    ]));
    expect(await db.selectFrom('api_keys').select('id').where('owner_id', '=', user.id).execute()).toEqual([]);
    expect(await db.selectFrom('role_bindings').select('id').where('principal', '=', `User:${user.id}`).execute()).toEqual([]);
    expect(await db.selectFrom('acls').select('id').where('principal', '=', `User:${user.id}`).execute()).toEqual([]);
    const event = (await s.managementEvents('iam.DeleteUser')).at(-1);
    expect((event?.event.data as { request: unknown }).request).toEqual({ id: user.id, deleted: { api_keys: 2, role_bindings: 1, acls: 1 } });
    expect(await usersRepo.find(db, user.id)).toBeUndefined();
    await expectKeywardError(s.services.users.delete(s.adminCtx, user.id), 'not_found', `User "${user.id}" not found`);
    await s.services.kafkaClusters.delete(s.adminCtx, lkc.id);
  });

  it.skipIf(skip)('updates the full name only', async () => {
    const { user } = await s.services.users.create(s.adminCtx, { email: 'eve@example.com', fullName: 'Eve' });
    s.clock.advance(500);
    const updated = await s.services.users.update(s.adminCtx, user.id, { fullName: 'Eve Adams' });
    s.clock.set(START);
    expect(updated).toEqual({ ...user, full_name: 'Eve Adams', updated_at: new Date(START.getTime() + 500).toISOString() });
    await expectKeywardError(s.services.users.update(s.adminCtx, user.id, { fullName: 'x'.repeat(129) }), 'invalid_configuration');
    expect((await usersRepo.find(s.runtime.store.db, user.id))?.full_name).toBe('Eve Adams');
  });
});
