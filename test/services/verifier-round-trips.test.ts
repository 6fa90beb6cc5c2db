import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteReader } from '../../src/store/connect.js';
import { DIALECTS } from '../helpers/databases.js';
import { REQUEST, startServices, type ServiceHarness } from './support.js';

/**
 * No timing oracle on which key ids exist (verifier.ts): an unknown id, a known id with a wrong secret
 * (cached or not) and a well-formed id nobody has each cost exactly one round trip to the store and
 * give the same answer; only a correct secret of a cached key costs none.
 */
describe.each(DIALECTS)('verify round trips on $name', ({ skip, create }) => {
  let s: ServiceHarness;
  let key: string;
  let secret: string;
  let disabledKey: string;
  let disabledSecret: string;
  let roundTrips = 0;
  let restore = () => undefined as unknown;

  beforeAll(async () => {
    if (skip) return;
    s = await startServices(await create());
    const env = (await s.services.environments.create(s.adminCtx, { name: 'apps' })).id;
    const lkc = (await s.services.kafkaClusters.create(s.adminCtx, { name: 'orders', cloud: 'aws', region: 'r', environment: env })).id;
    const sa = (await s.services.serviceAccounts.create(s.adminCtx, { name: 'orders-app', description: '' })).id;
    ({ key: { id: key }, secret } = await s.services.apiKeys.create(s.adminCtx, { resource: lkc, serviceAccount: sa }));
    ({ key: { id: disabledKey }, secret: disabledSecret } = await s.services.apiKeys.create(s.adminCtx, { resource: lkc, serviceAccount: sa }));
    await s.services.apiKeys.setStatus(s.adminCtx, disabledKey, 'DISABLED');
    const db = s.runtime.store.db;
    const executeQuery = db.executeQuery.bind(db);
    // Only the key lookups count: the audit log and last_used write in the background, on their own timers.
    db.executeQuery = ((query: Parameters<typeof executeQuery>[0]) => {
      if (('sql' in query ? query.sql : query.compile().sql).includes('secret_hash')) roundTrips++;
      return executeQuery(query);
    }) as typeof db.executeQuery;
    // On SQLite the lookup is a statement on the store's reader connection (key-record.ts), prepared
    // by the harness's first authentication: its runs are counted on the statements' prototype.
    const reader = sqliteReader(db)?.();
    if (reader) {
      const prototype = Object.getPrototypeOf(reader.prepare('select 1')) as { get: (...parameters: unknown[]) => unknown };
      const get = prototype.get;
      prototype.get = function (this: { source: string }, ...parameters: unknown[]) {
        if (this.source.includes('secret_hash')) roundTrips++;
        return get.apply(this, parameters);
      };
      restore = () => (prototype.get = get);
    }
  });

  afterAll(async () => {
    if (skip) return;
    restore();
    await s.close();
  });

  async function verify(id: string, presented: string) {
    roundTrips = 0;
    const result = await s.services.verify({ key: id, secret: presented, method: 'keyward.Verify', mechanism: 'VERIFY_API', request: REQUEST });
    return { code: result.code, roundTrips };
  }

  it.skipIf(skip)('costs one round trip for every refused credential and none for a cached correct one', async () => {
    expect(await verify(key, secret)).toEqual({ code: 'VALID', roundTrips: 1 });
    expect(await verify(key, secret)).toEqual({ code: 'VALID', roundTrips: 0 });
    expect(await verify(key, `${secret}x`)).toEqual({ code: 'INVALID_CREDENTIALS', roundTrips: 1 });
    expect(await verify('ZZZZZZZZZZZZZZZZ', secret)).toEqual({ code: 'INVALID_CREDENTIALS', roundTrips: 1 });
    s.services.keyCache.clear();
    expect(await verify(disabledKey, 'wrong')).toEqual({ code: 'INVALID_CREDENTIALS', roundTrips: 1 });
    expect(await verify(disabledKey, disabledSecret)).toMatchObject({ code: 'DISABLED' });
  });
});
