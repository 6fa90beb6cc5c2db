import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDir } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/runtime.js';

/**
 * SQLite durability (issue 8): with `synchronous=NORMAL` a power loss could undo an acknowledged
 * revocation. Management commits run at FULL; data-plane audit batches run at NORMAL and are synced
 * within a second off the event loop, and they leave the connection at FULL.
 */
describe('SQLite management commits are durable on acknowledgement', () => {
  let server: TestServer;
  const level = () => server.runtime.store.sqlite?.pragma('synchronous', { simple: true });

  beforeAll(async () => {
    server = await startTestServer(await createSqliteDir());
  });
  afterAll(async () => server.close());

  it('runs synchronous=FULL (2), also after data-plane audit batches', async () => {
    expect(level()).toBe(2);
    for (let i = 0; i < 5; i++) {
      await server.call({ method: 'POST', url: '/keyward/v1/verify', payload: { key: server.admin.key, secret: server.admin.secret }, auth: null });
    }
    await server.runtime.audit.flush();
    expect(level()).toBe(2);
    const revoked = await server.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'durable', description: 'd' } });
    expect(revoked.statusCode).toBe(201);
    expect(level()).toBe(2);
  });
});
