import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kafkaResourceCrn } from '../../domain/authz/crn-pattern.js';
import type { AuthorizationRequest } from '../../domain/authz/decision.js';
import { migrateToLatest, openStore, type Store } from '../../store/connect.js';
import { aclsRepo, roleBindingsRepo } from '../../store/repositories/grants.js';
import { createChangeBus, type ChangeBus } from '../changes.js';
import { createAuthz } from './authz-service.js';

const topic = kafkaResourceCrn({ organization: 'org-1', environment: 'env-1', clusterId: 'lkc-1', resourceType: 'TOPIC', name: 'orders' });
const request: AuthorizationRequest = { principal: 'User:sa-1', action: 'READ', resource: { crn: topic, kafka: { clusterId: 'lkc-1', resourceType: 'TOPIC', name: 'orders' } } };

describe('authz service: the warm index', () => {
  let dir: string;
  let store: Store;
  let changes: ChangeBus;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kw-authz-'));
    store = await openStore({ dataDir: dir });
    await migrateToLatest(store.db);
    changes = createChangeBus();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is there once built, and a new object after every grants change', async () => {
    const authz = createAuthz({ db: store.db, changes });
    expect(authz.warm()).toBeUndefined();
    expect((await authz.decide(request)).granted).toBe(false);
    const first = authz.warm();
    expect(first).toBeDefined();
    expect(authz.warm()).toBe(first);

    await roleBindingsRepo.insert(store.db, { id: 'rb-1', principal: 'User:sa-1', role_name: 'DeveloperRead', crn_pattern: topic, created_at: new Date().toISOString() });
    changes.publish([{ kind: 'grants', principal: 'User:sa-1' }]);
    expect(authz.warm()).toBeUndefined();
    expect((await authz.decide(request)).granted).toBe(true);
    const second = authz.warm();
    expect(second).toBeDefined();
    expect(second).not.toBe(first);

    changes.publish([{ kind: 'all' }]);
    expect(authz.warm()).toBeUndefined();
    authz.close();
  });

  it('knows whether any ACL is bound to a host', async () => {
    const authz = createAuthz({ db: store.db, changes });
    await authz.decide(request);
    expect(authz.anyHost(authz.warm()!)).toBe(true);
    for (const [id, host] of [['acl-1', '*'], ['acl-2', '10.0.0.1']]) {
      await aclsRepo.insert(store.db, { id: id!, cluster_id: 'lkc-1', principal: 'User:sa-1', permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders', pattern_type: 'LITERAL', host: host!, created_at: new Date().toISOString() });
      changes.publish([{ kind: 'grants' }]);
      await authz.decide(request);
      expect(authz.anyHost(authz.warm()!)).toBe(host === '*');
    }
    authz.close();
  });

  it('is never offered while the index is not trusted', async () => {
    let trusted = true;
    const authz = createAuthz({ db: store.db, changes, trusted: () => trusted });
    await authz.decide(request);
    expect(authz.warm()).toBeDefined();
    trusted = false;
    expect(authz.warm()).toBeUndefined();
    authz.close();
  });
});
