import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/runtime.js';
import { organizationCrn } from '../../src/domain/crn.js';

describe.each(DIALECTS)('/metrics and whoami on $name', ({ name, skip, create }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer(await create());
  });
  afterAll(async () => server?.close());

  it.skipIf(skip)(`serves Prometheus metrics to MetricsViewer and OrganizationAdmin only (${name})`, async () => {
    await server.runtime.app.inject({ method: 'POST', url: '/keyward/v1/verify', payload: { key: 'AAAAAAAAAAAAAAAA', secret: 'kw_x' } });
    const admin = await server.call({ method: 'GET', url: '/metrics' });
    expect(admin.statusCode).toBe(200);
    expect(admin.headers['content-type']).toContain('text/plain');
    expect(admin.body).toMatch(/keyward_authentications_total\{method="keyward.Verify",code="INVALID_CREDENTIALS"\} 1/);
    expect(admin.body).toContain('keyward_key_cache_entries');

    const viewer = (await server.call({ method: 'POST', url: '/iam/v2/users', payload: { email: 'viewer@example.com', full_name: 'V' } })).json();
    const plain = (await server.call({ method: 'POST', url: '/iam/v2/users', payload: { email: 'plain@example.com', full_name: 'P' } })).json();
    const bound = await server.call({ method: 'POST', url: '/iam/v2/role-bindings', payload: { principal: `User:${viewer.id}`, role_name: 'MetricsViewer', crn_pattern: organizationCrn(server.runtime.services.organizationId) } });
    expect(bound.statusCode).toBe(201);
    expect((await server.call({ method: 'GET', url: '/metrics', auth: viewer.api_key })).statusCode).toBe(200);
    const refused = await server.call({ method: 'GET', url: '/metrics', auth: plain.api_key });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('keyward_authentications_total');
    expect((await server.call({ method: 'GET', url: '/metrics', auth: null })).statusCode).toBe(401);

    const who = await server.call({ method: 'GET', url: '/keyward/v1/whoami', auth: viewer.api_key });
    expect(who.json()).toMatchObject({ principal: `User:${viewer.id}`, kind: 'user', id: viewer.id, roles: ['MetricsViewer'] });
    expect((await server.call({ method: 'GET', url: '/keyward/v1/whoami' })).json().roles).toEqual(['OrganizationAdmin']);
  });
});
