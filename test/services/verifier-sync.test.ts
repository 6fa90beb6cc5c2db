import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { REQUEST, startServices, type ServiceHarness } from './support.js';

/**
 * verifier.ts answers a cached key with a correct secret and no action at once (a result, not a
 * promise): the data plane's usual request waits for nothing. Whatever needs the store is a promise.
 */
describe.each(DIALECTS)('verify without a promise on $name', ({ skip, create }) => {
  let s: ServiceHarness;
  let key: string;
  let secret: string;
  let lkc: string;

  beforeAll(async () => {
    if (skip) return;
    s = await startServices(await create());
    const env = (await s.services.environments.create(s.adminCtx, { name: 'apps' })).id;
    lkc = (await s.services.kafkaClusters.create(s.adminCtx, { name: 'orders', cloud: 'aws', region: 'r', environment: env })).id;
    const sa = (await s.services.serviceAccounts.create(s.adminCtx, { name: 'orders-app', description: '' })).id;
    ({ key: { id: key }, secret } = await s.services.apiKeys.create(s.adminCtx, { resource: lkc, serviceAccount: sa }));
  });

  afterAll(async () => {
    if (skip) return;
    await s.close();
  });

  const verify = (id: string, presented: string, resource?: string) => s.services.verify({ key: id, secret: presented, resource, method: 'keyward.Verify', mechanism: 'VERIFY_API', request: REQUEST });

  it.skipIf(skip)('answers a cached correct secret synchronously, with every check still made', async () => {
    s.services.keyCache.clear();
    expect(await verify(key, secret)).toMatchObject({ valid: true, code: 'VALID' });
    const warm = verify(key, secret, lkc);
    expect(warm).not.toBeInstanceOf(Promise);
    expect(warm).toMatchObject({ valid: true, code: 'VALID', principal: expect.stringMatching(/^User:/) });
    // the resource check and a wrong secret are decided as before
    expect(verify(key, secret, 'lkc-other')).toMatchObject({ valid: false, code: 'WRONG_RESOURCE' });
    expect(await verify(key, `${secret}x`)).toMatchObject({ valid: false, code: 'INVALID_CREDENTIALS' });
  });
});
