import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { START } from '../api/support.js';
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
    expect(await s.services.environments.get(env.id)).toEqual(env);
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
    await expectKeywardError(s.services.environments.update(s.as({ id: 'u-nobody' }), s.admin.environment, { name: 'x' }), 'user_unauthorized');
    await expectKeywardError(s.services.environments.delete(s.as({ id: 'u-nobody' }), s.admin.environment), 'user_unauthorized');
    expect(await s.managementEvents()).toEqual(before);
    expect((await s.services.environments.get(s.admin.environment)).name).toBe('default');
  });

  it.skipIf(skip)('validates names and stages', async () => {
    await expectKeywardError(s.services.environments.create(s.adminCtx, { name: 'x'.repeat(65) }), 'invalid_configuration', 'display_name must be at most 64 characters (got 65)');
    await expectKeywardError(s.services.environments.create(s.adminCtx, { name: 42 }), 'invalid_configuration', 'display_name must be a string');
    await expectKeywardError(s.services.environments.create(s.adminCtx, { name: 'a\u0000b' }), 'invalid_configuration', 'display_name must not contain control characters');
    await expectKeywardError(s.services.environments.create(s.adminCtx, { name: 'x', stage: 'qa' }), 'invalid_configuration', /stage must be one of/);
    await expectKeywardError(s.services.environments.update(s.adminCtx, s.admin.environment, {}), 'invalid_configuration', /Nothing to update/);
    await expectKeywardError(s.services.environments.get('env-zzzzzz'), 'not_found', 'Environment "env-zzzzzz" not found');
  });

  it.skipIf(skip)('a refused delete rolls back: no row removed, no event written', async () => {
    const env = await s.services.environments.create(s.adminCtx, { name: 'busy' });
    await s.services.kafkaClusters.create(s.adminCtx, { name: 'c', cloud: 'aws', region: 'r', environment: env.id });
    await expectKeywardError(s.services.environments.delete(s.adminCtx, env.id), 'invalid_configuration', `Environment "${env.id}" still holds 1 cluster(s); delete them first`);
    await expectKeywardError(s.services.environments.delete(s.adminCtx, s.admin.environment), 'invalid_configuration', /is the default environment/);
    expect(await s.managementEvents('org.DeleteEnvironment')).toEqual([]);
    expect((await s.services.environments.get(env.id)).id).toBe(env.id);
  });

  it.skipIf(skip)('updates announce a policy change and move updated_at only', async () => {
    const env = await s.services.environments.create(s.adminCtx, { name: 'staged' });
    s.changes.length = 0;
    s.clock.advance(1000);
    const updated = await s.services.environments.update(s.adminCtx, env.id, { stage: 'staging' });
    s.clock.set(START);
    expect(updated).toEqual({ ...env, stage: 'staging', updated_at: new Date(START.getTime() + 1000).toISOString() });
    expect(s.changes).toEqual([{ kind: 'policy' }]);
    await s.services.environments.delete(s.adminCtx, env.id);
    await expectKeywardError(s.services.environments.get(env.id), 'not_found');
    expect((await s.managementEvents('org.DeleteEnvironment')).map((e) => (e.event.data as { request: { id: string } }).request.id)).toEqual([env.id]);
  });

  it.skipIf(skip)('pages with tokens and refuses bad page requests', async () => {
    const all = await s.services.environments.list({ pageSize: 100 });
    expect(all.nextToken).toBeUndefined();
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await s.services.environments.list({ pageSize: 1, pageToken: token });
      expect(page.total).toBe(all.total);
      seen.push(...page.items.map((e) => e.id));
      token = page.nextToken;
    } while (token);
    expect(seen).toEqual(all.items.map((e) => e.id));
    await expectKeywardError(s.services.environments.list({ pageSize: 0 }), 'invalid_filter', 'page_size must be between 1 and 100');
    await expectKeywardError(s.services.environments.list({ pageSize: 101 }), 'invalid_filter');
    await expectKeywardError(s.services.environments.list({ pageSize: 2.5 }), 'invalid_filter');
    for (const pageToken of ['!!', 'LTE', 'MWUz', 'not a token']) {
      await expectKeywardError(s.services.environments.list({ pageToken }), 'invalid_filter', 'page_token is not valid');
    }
  });
});
