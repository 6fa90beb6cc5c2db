import { expect } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { startTestServer, type TestServer } from '../helpers/runtime.js';
import type { TestDatabase } from '../helpers/databases.js';

/** Shared helpers for the route tests: a settable clock, a response recorder and shape checks. */

export const BASE_URL = 'http://keyward.test';
export const START = new Date('2026-03-01T12:00:00.000Z');

export interface Clock {
  (): Date;
  advance(ms: number): void;
  set(date: Date): void;
}

export function fakeClock(start: Date = START): Clock {
  let now = start.getTime();
  const clock = (() => new Date(now)) as Clock;
  clock.advance = (ms) => (now += ms);
  clock.set = (date) => (now = date.getTime());
  return clock;
}

export type Credentials = { key: string; secret: string };
export type CallOptions = InjectOptions & { auth?: Credentials | null };

export interface Recorded {
  method: string;
  url: string;
  status: number;
  body: string;
  headers: Record<string, unknown>;
}

export interface ApiHarness {
  server: TestServer;
  clock: Clock;
  admin: Credentials & { user: string; organization: string; environment: string };
  /** Every response this harness has seen, for the leak sweep. */
  recorded: Recorded[];
  call(options: CallOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startHarness(db: TestDatabase): Promise<ApiHarness> {
  const clock = fakeClock();
  const server = await startTestServer(db, { clock });
  const recorded: Recorded[] = [];
  return {
    server,
    clock,
    admin: { ...server.admin },
    recorded,
    async call(options) {
      const res = await server.call(options);
      recorded.push({ method: String(options.method ?? 'GET'), url: String(options.url), status: res.statusCode, body: res.body, headers: res.headers });
      return res;
    },
    close: () => server.close(),
  };
}

/** Asserts the Confluent-style error body and returns its single entry. */
export function expectError(res: LightMyRequestResponse, status: number, code: string, detail?: string | RegExp) {
  expect({ status: res.statusCode, body: res.body }).toMatchObject({ status });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json() as { errors: Array<Record<string, string>> };
  expect(Object.keys(body)).toEqual(['errors']);
  expect(body.errors).toHaveLength(1);
  const entry = body.errors[0] as Record<string, string>;
  expect(Object.keys(entry).sort()).toEqual(['code', 'detail', 'id', 'status', 'title']);
  expect(entry.status).toBe(String(status));
  expect(entry.code).toBe(code);
  expect(entry.id).toBe(res.headers['x-request-id']);
  expect(entry.title).toMatch(/^[A-Z]/);
  if (typeof detail === 'string') expect(entry.detail).toBe(detail);
  else if (detail) expect(entry.detail).toMatch(detail);
  return entry;
}

/** Asserts the common Confluent resource envelope. */
export function expectResource(
  body: Record<string, unknown>,
  expected: { api_version: string; kind: string; id: string | RegExp; path: string; resourceName: string; createdAt?: string; updatedAt?: string },
) {
  expect(body.api_version).toBe(expected.api_version);
  expect(body.kind).toBe(expected.kind);
  if (typeof expected.id === 'string') expect(body.id).toBe(expected.id);
  else expect(body.id).toMatch(expected.id);
  const metadata = body.metadata as Record<string, string>;
  expect(Object.keys(metadata).sort()).toEqual(['created_at', 'resource_name', 'self', 'updated_at']);
  expect(metadata.self).toBe(`${BASE_URL}${expected.path}`);
  expect(metadata.resource_name).toBe(expected.resourceName);
  expect(metadata.created_at).toBe(expected.createdAt ?? START.toISOString());
  expect(metadata.updated_at).toBe(expected.updatedAt ?? expected.createdAt ?? START.toISOString());
}

export const orgCrn = (h: ApiHarness) => `crn://keyward/organization=${h.admin.organization}`;

/** Creates a non-admin user through the API; returns its id and first cloud key. */
export async function createUser(h: ApiHarness, email: string, fullName = 'Test User'): Promise<{ id: string; auth: Credentials }> {
  const res = await h.call({ method: 'POST', url: '/iam/v2/users', payload: { email, full_name: fullName } });
  expect(res.statusCode).toBe(201);
  const body = res.json();
  return { id: body.id as string, auth: { key: body.api_key.key as string, secret: body.api_key.secret as string } };
}

export async function createServiceAccount(h: ApiHarness, name: string, description = ''): Promise<string> {
  const res = await h.call({ method: 'POST', url: '/iam/v2/service-accounts', payload: { display_name: name, description } });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

export async function createEnvironment(h: ApiHarness, name: string, stage?: string): Promise<string> {
  const res = await h.call({ method: 'POST', url: '/org/v2/environments', payload: { display_name: name, ...(stage ? { stage } : {}) } });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

export async function createKafkaCluster(h: ApiHarness, name: string, environment?: string): Promise<string> {
  const res = await h.call({
    method: 'POST',
    url: '/cmk/v2/clusters',
    payload: { spec: { display_name: name, cloud: 'aws', region: 'us-east-1', ...(environment ? { environment: { id: environment } } : {}) } },
  });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

export async function createKey(h: ApiHarness, resource: string, options: { owner?: string; auth?: Credentials; description?: string } = {}): Promise<Credentials> {
  const res = await h.call({
    method: 'POST',
    url: '/iam/v2/api-keys',
    ...(options.auth ? { auth: options.auth } : {}),
    payload: { spec: { resource: { id: resource }, ...(options.owner ? { owner: { id: options.owner } } : {}), ...(options.description ? { description: options.description } : {}) } },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { key: res.json().id as string, secret: res.json().spec.secret as string };
}

/**
 * Binds Operator on a Kafka cluster, the least role that may read it: a key on a cluster needs read
 * access to it (DESIGN §9), so a user without bindings creates its own keys only where it has one.
 */
export async function bindClusterReader(h: ApiHarness, principalId: string, environment: string, cluster: string): Promise<void> {
  const crnPattern = `${orgCrn(h)}/environment=${environment}/cloud-cluster=${cluster}`;
  const res = await h.call({ method: 'POST', url: '/iam/v2/role-bindings', payload: { principal: `User:${principalId}`, role_name: 'Operator', crn_pattern: crnPattern } });
  expect(res.statusCode, res.body).toBe(201);
}

/** Row counts of every table a management request may change: equal before and after a refused request. */
export async function storeState(h: ApiHarness): Promise<Record<string, unknown>> {
  const db = h.server.runtime.store.db;
  const state: Record<string, unknown> = {};
  state.environments = await db.selectFrom('environments').selectAll().orderBy('id').execute();
  state.clusters = await db.selectFrom('clusters').selectAll().orderBy('id').execute();
  state.users = await db.selectFrom('users').selectAll().orderBy('id').execute();
  state.service_accounts = await db.selectFrom('service_accounts').selectAll().orderBy('id').execute();
  // last_used is bookkeeping of successful logins, written off the hot path: not state a request changes
  state.api_keys = (await db.selectFrom('api_keys').selectAll().orderBy('id').execute()).map(({ last_used: _lastUsed, ...row }) => row);
  state.role_bindings = await db.selectFrom('role_bindings').selectAll().orderBy('id').execute();
  const management = await db.selectFrom('audit_events').select('id').where('type', '=', 'io.keyward.management').execute();
  state.management_events = management.length;
  return state;
}

const SECRET = /kw_[0-9A-Za-z]{61}/;
const DIGEST = /(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/;

/**
 * The security sweep over everything a harness has seen: every response carries X-Request-Id, no
 * body holds a secret hash or any 64-hex digest, a secret appears only in the answers that create
 * one, and no 500 shows a stack trace.
 */
export function expectNoLeaks(recorded: Recorded[]): void {
  expect(recorded.length).toBeGreaterThan(0);
  for (const r of recorded) {
    const where = `${r.method} ${r.url} -> ${r.status}`;
    expect(r.headers['x-request-id'], where).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    expect(r.body, where).not.toContain('secret_hash');
    expect(DIGEST.test(r.body), `${where}: ${r.body.slice(0, 200)}`).toBe(false);
    const createsSecret = r.method === 'POST' && r.status === 201 && (r.url === '/iam/v2/api-keys' || r.url === '/iam/v2/users');
    if (!createsSecret) expect(SECRET.test(r.body), `${where}: ${r.body.slice(0, 200)}`).toBe(false);
    expect(r.body, where).not.toMatch(/\n\s+at /);
  }
}
