import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildRoleBindingCrnPattern } from '../../src/domain/authz/crn-pattern.js';
import type { DataPlaneAuditMode } from '../../src/services/audit/data-plane-recorder.js';
import type { TestDatabase } from './databases.js';
import { basic, startTestServer, type TestServer } from './runtime.js';

/** The tests that count data-plane requests (DESIGN §4): their keys, methods and server. */
export interface Key {
  key: string;
  secret: string;
}

export const METHODS = ['keyward.Verify', 'keyward.AuthBasic', 'oauth2.Token'] as const;
export type Method = (typeof METHODS)[number];

export interface CountingFixture {
  server: TestServer;
  /** The server's clock (ms); the test moves it. */
  clock: { now: number };
  cluster: string;
  otherCluster: string;
  /** May READ topic orders on `cluster` (a DeveloperRead binding of its service account). */
  good: Key;
  disabled: Key;
  /** Expired: the clock was moved two hours past its one-hour expiry. */
  expired: Key;
}

export interface CountingFixtureOptions {
  mode: DataPlaneAuditMode;
  /** The clock's start (ISO 8601). */
  start: string;
  /** Wrong secrets for one key from one address before the guard blocks it: the test decides where the only block starts. */
  keyFailures: number;
}

/** A server with a cluster, a key that may READ topic orders, a disabled one and an expired one. */
export async function countingFixture(db: TestDatabase, options: CountingFixtureOptions): Promise<CountingFixture> {
  const clock = { now: Date.parse(options.start) };
  const server = await startTestServer(db, {
    clock: () => new Date(clock.now),
    dataPlane: { audit: options.mode, bruteForce: { keyFailures: options.keyFailures, addressFailures: 10_000 } },
  });
  const json = async (res: Promise<LightMyRequestResponse>) => {
    const answer = await res;
    expect(answer.statusCode, answer.body).toBeLessThan(300);
    return answer.json();
  };
  const clusterOf = async (name: string) => (await json(server.call({ method: 'POST', url: '/cmk/v2/clusters', payload: { spec: { display_name: name, cloud: 'aws', region: 'r' } } }))).id as string;
  const cluster = await clusterOf('counted');
  const otherCluster = await clusterOf('other');
  const sa = (await json(server.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: 'counted-app', description: 'd' } }))).id as string;
  const crnPattern = buildRoleBindingCrnPattern('DeveloperRead', { organization: server.admin.organization, environment: server.admin.environment, kafkaCluster: cluster, resource: 'Topic:orders' });
  await json(server.call({ method: 'POST', url: '/iam/v2/role-bindings', payload: { principal: `User:${sa}`, role_name: 'DeveloperRead', crn_pattern: crnPattern } }));
  const key = async (extra: Record<string, unknown> = {}): Promise<Key> => {
    const body = await json(server.call({ method: 'POST', url: '/iam/v2/api-keys', payload: { spec: { resource: { id: cluster }, owner: { id: sa }, ...extra } } }));
    return { key: body.id, secret: body.spec.secret };
  };
  const good = await key();
  const disabled = await key();
  await json(server.call({ method: 'POST', url: `/keyward/v1/api-keys/${disabled.key}/disable` }));
  const expired = await key({ expires_in: '1h' });
  clock.now += 2 * 3_600_000;
  return { server, clock, cluster, otherCluster, good, disabled, expired };
}

/** One request of `method` with these credentials, from `address`, for READ (or WRITE) on topic orders of `resource` (default the fixture's cluster). */
export function request(f: CountingFixture, method: Method, credentials: Key, address: string, options: { resource?: string; operation?: 'READ' | 'WRITE' } = {}) {
  const app = f.server.runtime.app;
  const resource = options.resource ?? f.cluster;
  const operation = options.operation ?? 'READ';
  if (method === 'keyward.Verify') {
    return app.inject({ method: 'POST', url: '/keyward/v1/verify', remoteAddress: address, payload: { ...credentials, resource, action: { operation, resource_type: 'TOPIC', resource_name: 'orders' } } });
  }
  if (method === 'keyward.AuthBasic') {
    return app.inject({
      method: 'GET',
      url: `/keyward/v1/auth/basic?resource=${resource}&operation=${operation}&resource_type=TOPIC&resource_name=orders`,
      remoteAddress: address,
      headers: { authorization: basic(credentials.key, credentials.secret) },
    });
  }
  return app.inject({
    method: 'POST',
    url: '/oauth2/token',
    remoteAddress: address,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.key, client_secret: credentials.secret }).toString(),
  });
}
