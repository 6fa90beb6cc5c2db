import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { START } from '../api/support.js';
import { environmentsRepo } from '../../src/store/repositories/environments.js';
import { decodePage, pageResult } from '../../src/services/pagination.js';
import { REQUEST, expectKeywardError, startServices, type ServiceHarness } from './support.js';

describe.each(DIALECTS)('environment service on $name', ({ skip, create }) => {
  let s: ServiceHarness;
  beforeAll(async () => {
    if (skip) return;
    s = await startServices(await create());
  });
  afterAll(async () => s?.close());

  it.skipIf(skip)('creates an environment and audits it in the same change', async () => {
    const env = await s.services.environments.create(s.adminCtx, { name: '  payments  ', stage: 'Production' });
    expect(env).toEqual({ id: expect.stringMatching(/^env-[a-z0-9]{6}$/), name: 'payments', stage: 'production', created_at: START.toISOString(), updated_at: START.toISOString() });
    expect(await environmentsRepo.find(s.runtime.store.db, env.id)).toEqual(env);
    const [event] = await s.managementEvents('org.CreateEnvironment');
    expect(event?.principal).toBe(`User:${s.admin.user}`);
    expect(event?.result).toBe('SUCCESS');
    expect(event?.event.subject).toBe(`crn://keyward/organization=${s.admin.organization}/environment=${env.id}`);
    const data = event?.event.data as { request: unknown; requestMetadata: { requestId: string }; authenticationInfo: { metadata: { identifier: string } } };
    expect(data.request).toEqual({ id: env.id, display_name: 'payments', stage: 'production' });
    expect(data.requestMetadata.requestId).toBe(REQUEST.requestId);
    expect(data.authenticationInfo.metadata.identifier).toBe(s.admin.key);
  });

  it.skipIf(skip)('refuses a non-admin without writing anything', async () => {
    const before = await s.managementEvents();
    await expectKeywardError(s.services.environments.create(s.as({ id: 'u-nobody' }), { name: 'x' }), 'user_unauthorized');
    // an environment the caller may not read answers as a missing one does (DESIGN §9)
    await expectKeywardError(s.services.environments.update(s.as({ id: 'u-nobody' }), s.admin.environment, { name: 'x' }), 'not_found');
    await expectKeywardError(s.services.environments.delete(s.as({ id: 'u-nobody' }), s.admin.environment), 'not_found');
    expect(await s.managementEvents()).toEqual(before);
    expect((await environmentsRepo.find(s.runtime.store.db, s.admin.environment))?.name).toBe('default');
  });

  it.skipIf(skip)('validates names and stages', async () => {
    await expectKeywardError(s.services.environments.create(s.adminCtx, { name: 'x'.repeat(65) }), 'invalid_configuration', 'display_name must be at most 64 characters (got 65)');
    await expectKeywardError(s.services.environments.create(s.adminCtx, { name: 42 }), 'invalid_configuration', 'display_name must be a string');
    await expectKeywardError(s.services.environments.create(s.adminCtx, { name: 'a\u0000b' }), 'invalid_configuration', 'display_name must not contain control characters');
    await expectKeywardError(s.services.environments.create(s.adminCtx, { name: 'x', stage: 'qa' }), 'invalid_configuration', /stage must be one of/);
    await expectKeywardError(s.services.environments.update(s.adminCtx, s.admin.environment, {}), 'invalid_configuration', /Nothing to update/);
    await expectKeywardError(s.services.environments.update(s.adminCtx, 'env-zzzzzz', { name: 'x' }), 'not_found', 'Environment "env-zzzzzz" not found');
    await expectKeywardError(s.services.environments.delete(s.adminCtx, 'env-zzzzzz'), 'not_found', 'Environment "env-zzzzzz" not found');
  });

  it.skipIf(skip)('a refused delete rolls back: no row removed, no event written', async () => {
    const env = await s.services.environments.create(s.adminCtx, { name: 'busy' });
    await s.services.kafkaClusters.create(s.adminCtx, { name: 'c', cloud: 'aws', region: 'r', environment: env.id });
    await expectKeywardError(s.services.environments.delete(s.adminCtx, env.id), 'invalid_configuration', `Environment "${env.id}" still holds 1 cluster(s); delete them first`);
    await expectKeywardError(s.services.environments.delete(s.adminCtx, s.admin.environment), 'invalid_configuration', /is the default environment/);
    expect(await s.managementEvents('org.DeleteEnvironment')).toEqual([]);
    expect((await environmentsRepo.find(s.runtime.store.db, env.id))?.id).toBe(env.id);
  });

  it.skipIf(skip)('updates move updated_at only and announce no change to caches', async () => {
    const env = await s.services.environments.create(s.adminCtx, { name: 'staged' });
    s.changes.length = 0;
    s.clock.advance(1000);
    const updated = await s.services.environments.update(s.adminCtx, env.id, { stage: 'staging' });
    s.clock.set(START);
    expect(updated).toEqual({ ...env, stage: 'staging', updated_at: new Date(START.getTime() + 1000).toISOString() });
    expect(s.changes).toEqual([]);
    await s.services.environments.delete(s.adminCtx, env.id);
    expect(await environmentsRepo.find(s.runtime.store.db, env.id)).toBeUndefined();
    expect((await s.managementEvents('org.DeleteEnvironment')).map((e) => (e.event.data as { request: { id: string } }).request.id)).toEqual([env.id]);
  });

  it.skipIf(skip)('pages with tokens and refuses bad page requests', async () => {
    // the paging every list shares, through the one list that is the caller's own: its API keys
    const sa = await s.services.serviceAccounts.create(s.adminCtx, { name: 'pager', description: '' });
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await s.services.apiKeys.create(s.adminCtx, { resource: 'cloud', serviceAccount: sa.id })).key.id);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await s.services.apiKeys.list(s.adminCtx, { owner: sa.id }, { pageSize: 2, pageToken: token });
      expect(page.total).toBe(5);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((k) => k.id));
      token = page.nextToken;
    } while (token);
    expect(seen.sort()).toEqual([...created].sort());
    await expectKeywardError(s.services.apiKeys.list(s.adminCtx, {}, { pageSize: 0 }), 'invalid_filter', 'page_size must be between 1 and 100');

    expect(decodePage({})).toEqual({ limit: 10, offset: 0 });
    expect(decodePage({ pageSize: 100, pageToken: Buffer.from('20').toString('base64url') })).toEqual({ limit: 100, offset: 20 });
    expect(pageResult(['a', 'b'], 5, { limit: 2, offset: 0 }).nextToken).toBe(Buffer.from('2').toString('base64url'));
    expect(pageResult(['e'], 5, { limit: 2, offset: 4 }).nextToken).toBeUndefined();
    for (const pageSize of [0, 101, 2.5, -1, Number.NaN]) expect(() => decodePage({ pageSize })).toThrow('page_size must be between 1 and 100');
    // "!!" is outside the base64url alphabet; "LTE" is "-1"; "MWUz" is "1e3"
    for (const pageToken of ['!!', 'LTE', 'MWUz', 'not a token', 'A'.repeat(40)]) expect(() => decodePage({ pageToken })).toThrow('page_token is not valid');
    await s.services.serviceAccounts.delete(s.adminCtx, sa.id);
  });
});
