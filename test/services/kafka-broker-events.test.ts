import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, maskSecret } from '../../src/domain/secrets.js';
import { verifyAuditChains } from '../../src/services/audit/audit-verify.js';
import { BrokerEventBatchSchema, BrokerEventSchema, createBrokerEvents, type BrokerEvent } from '../../src/services/kafka/broker-events.js';
import { LastUsedRecorder } from '../../src/services/verify/last-used.js';
import { DIALECTS } from '../helpers/databases.js';
import { expectKeywardError, startServices, type ServiceHarness } from './support.js';

const BROKER_REQUEST = { clientAddress: '127.0.0.5', requestId: 'req-broker-events-1', userAgent: 'keyward-kafka' };

function item(overrides: Partial<BrokerEvent> = {}): BrokerEvent {
  return {
    type: 'authentication',
    time: '2026-03-01T12:00:00.000Z',
    key: null,
    principal: null,
    result: 'SUCCESS',
    reason: null,
    api: null,
    operation: null,
    resource_type: null,
    resource_name: null,
    pattern_type: null,
    client_address: '10.1.2.3',
    client_id: 'producer-1',
    listener: 'SASL_PLAINTEXT',
    broker: '1',
    mechanism: 'SASL_PLAINTEXT/PLAIN',
    count: 1,
    first_time: '2026-03-01T12:00:00.000Z',
    last_time: '2026-03-01T12:00:00.000Z',
    source: null,
    ...overrides,
  };
}

interface StoredEvent {
  type: string;
  subject: string;
  time: string;
  data: Record<string, unknown> & {
    methodName: string;
    resourceName: string;
    authenticationInfo?: { principal: string | null; metadata: Record<string, unknown> };
    authorizationInfo?: Record<string, unknown>;
    requestMetadata?: Record<string, unknown>;
    request?: Record<string, unknown>;
    result: { status: string; reason?: string };
  };
}

describe('the events schema', () => {
  it('accepts what the broker sends and refuses what it never sends', () => {
    // Fastify's validator knows RFC 3339 date-time (ajv-formats); TypeBox's own checker is told here.
    if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (value) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(value));
    expect(Value.Check(BrokerEventSchema, item())).toBe(true);
    expect(Value.Check(BrokerEventSchema, { ...item(), future_field: 1 })).toBe(true);
    expect(Value.Check(BrokerEventSchema, { type: 'authentication', time: '2026-03-01T12:00:00Z', result: 'SUCCESS' })).toBe(true);
    expect(Value.Check(BrokerEventSchema, item({ api: 'Produce; drop' }))).toBe(false);
    expect(Value.Check(BrokerEventSchema, item({ principal: 'sa-x' }))).toBe(false);
    expect(Value.Check(BrokerEventSchema, item({ count: 0 }))).toBe(false);
    expect(Value.Check(BrokerEventSchema, { ...item(), result: 'MAYBE' })).toBe(false);
    expect(Value.Check(BrokerEventSchema, { ...item(), time: 'yesterday' })).toBe(false);
    expect(Value.Check(BrokerEventBatchSchema, [])).toBe(false);
    expect(Value.Check(BrokerEventBatchSchema, Array.from({ length: 1001 }, () => item()))).toBe(false);
  });
});

describe.each(DIALECTS)('broker events on $name', ({ skip, create }) => {
  let s: ServiceHarness;
  let lastUsed: LastUsedRecorder;
  let events: ReturnType<typeof createBrokerEvents>;
  let env: string;
  let lkc: string;
  let otherLkc: string;
  let sa: string;
  let key: string;
  let otherKey: string;
  let bindingId: string;
  let aclId: string;

  beforeAll(async () => {
    if (skip) return;
    s = await startServices(await create());
    env = (await s.services.environments.create(s.adminCtx, { name: 'apps' })).id;
    lkc = (await s.services.kafkaClusters.create(s.adminCtx, { name: 'orders', cloud: 'aws', region: 'r', environment: env })).id;
    otherLkc = (await s.services.kafkaClusters.create(s.adminCtx, { name: 'billing', cloud: 'aws', region: 'r', environment: env })).id;
    sa = (await s.services.serviceAccounts.create(s.adminCtx, { name: 'orders-app', description: '' })).id;
    key = (await s.services.apiKeys.create(s.adminCtx, { resource: lkc, serviceAccount: sa })).key.id;
    otherKey = (await s.services.apiKeys.create(s.adminCtx, { resource: otherLkc, serviceAccount: sa })).key.id;
    const org = s.admin.organization;
    const crnPattern = `crn://keyward/organization=${org}/environment=${env}/cloud-cluster=${lkc}/kafka=${lkc}/topic=orders`;
    bindingId = (await s.services.roleBindings.create(s.adminCtx, { principal: `User:${sa}`, roleName: 'DeveloperWrite', crnPattern })).id;
    const [deny] = await s.services.acls.create(s.adminCtx, lkc, [{ principal: `User:${sa}`, permission: 'DENY', operation: 'READ', resource_type: 'TOPIC', resource_name: 'secret', pattern_type: 'LITERAL' }]);
    aclId = deny!.id;
    lastUsed = new LastUsedRecorder(s.runtime.store.db, { now: () => s.clock().getTime(), flushIntervalMs: 3_600_000 });
    events = createBrokerEvents({ db: s.runtime.store.db, organizationId: org, audit: s.runtime.audit, lastUsed });
  });

  afterAll(async () => {
    if (skip) return;
    await lastUsed.close();
    await s.close();
  });

  async function stored(method: string): Promise<Array<{ row: { principal: string | null; api_key: string | null; result: string }; event: StoredEvent }>> {
    await s.runtime.audit.flush();
    const rows = await s.runtime.store.db.selectFrom('audit_events').selectAll().where('method', '=', method).orderBy('seq').execute();
    return rows.map((row) => ({ row, event: JSON.parse(row.event) as StoredEvent }));
  }

  async function lastUsedOf(id: string): Promise<string | null> {
    await lastUsed.flush();
    const row = await s.runtime.store.db.selectFrom('api_keys').select('last_used').where('id', '=', id).executeTakeFirstOrThrow();
    return row.last_used;
  }

  it.skipIf(skip)('records an aggregated login success with its count, times, mechanism, client address and broker details, and moves last_used', async () => {
    expect(await lastUsedOf(key)).toBeNull();
    const result = await events.ingest(lkc, [item({ key, principal: `User:${sa}`, count: 42, time: '2026-03-01T12:00:59.000Z', first_time: '2026-03-01T12:00:01.000Z', last_time: '2026-03-01T12:00:59.000Z' })], BROKER_REQUEST);
    expect(result).toEqual({ accepted: 1 });
    const [{ row, event }] = (await stored('kafka.Authentication')) as [Awaited<ReturnType<typeof stored>>[number]];
    expect(row).toMatchObject({ principal: `User:${sa}`, api_key: key, result: 'SUCCESS' });
    expect(event.type).toBe('io.keyward.authentication');
    expect(event.time).toBe('2026-03-01T12:00:59.000Z');
    expect(event.subject).toBe(`crn://keyward/organization=${s.admin.organization}/environment=${env}/cloud-cluster=${lkc}`);
    expect(event.data).toMatchObject({
      methodName: 'kafka.Authentication',
      authenticationInfo: { principal: `User:${sa}`, metadata: { mechanism: 'SASL_PLAINTEXT/PLAIN', identifier: key } },
      requestMetadata: { clientAddress: '10.1.2.3', requestId: BROKER_REQUEST.requestId, userAgent: null },
      request: { cluster: lkc, broker: '1', listener: 'SASL_PLAINTEXT', clientId: 'producer-1' },
      result: { status: 'SUCCESS' },
      count: 42,
      firstTime: '2026-03-01T12:00:01.000Z',
      lastTime: '2026-03-01T12:00:59.000Z',
    });
    expect(event.data.result.reason).toBeUndefined();
    expect(await lastUsedOf(key)).toBe(s.clock().toISOString());
  });

  it.skipIf(skip)('records login failures with their reasons; a key of another resource is WRONG_RESOURCE, and only this cluster’s keys move last_used', async () => {
    const before = (await stored('kafka.Authentication')).length;
    await events.ingest(
      lkc,
      [
        item({ key: otherKey, result: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS' }),
        item({ key: 'ZZZZZZZZZZZZZZZZ', result: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS' }),
        item({ key, result: 'UNAUTHENTICATED', reason: 'RATE_LIMITED', count: 7 }),
        item({ key: 'not a key id', result: 'UNAUTHENTICATED', reason: 'REPLICA_UNAVAILABLE' }),
        item({ key: otherKey, principal: `User:${sa}`, result: 'SUCCESS' }),
      ],
      BROKER_REQUEST,
    );
    const added = (await stored('kafka.Authentication')).slice(before);
    expect(added.map(({ row, event }) => [row.api_key, row.principal, row.result, event.data.result.reason ?? null, event.data.count])).toEqual([
      [otherKey, `User:${sa}`, 'UNAUTHENTICATED', 'WRONG_RESOURCE', 1],
      ['ZZZZZZZZZZZZZZZZ', null, 'UNAUTHENTICATED', 'INVALID_CREDENTIALS', 1],
      [key, null, 'UNAUTHENTICATED', 'RATE_LIMITED', 7],
      [null, null, 'UNAUTHENTICATED', 'REPLICA_UNAVAILABLE', 1],
      [otherKey, `User:${sa}`, 'SUCCESS', null, 1],
    ]);
    expect(await lastUsedOf(otherKey)).toBeNull();
  });

  it.skipIf(skip)('records authorizations as kafka.<Api> with the resource, its pattern and the deciding role binding or ACL', async () => {
    await events.ingest(
      lkc,
      [
        item({ type: 'authorization', key, principal: `User:${sa}`, api: 'Produce', operation: 'WRITE', resource_type: 'TOPIC', resource_name: 'orders', pattern_type: 'LITERAL', count: 100, source: { kind: 'role-binding', id: bindingId, role: 'DeveloperWrite' } }),
        item({ type: 'authorization', key, principal: `User:${sa}`, result: 'UNAUTHORIZED', reason: 'DENY_ACL', api: 'Fetch', operation: 'READ', resource_type: 'TOPIC', resource_name: 'secret', pattern_type: 'LITERAL', source: { kind: 'acl', id: aclId, role: null } }),
        item({ type: 'authorization', key, principal: `User:${sa}`, result: 'UNAUTHORIZED', reason: 'NO_GRANT', api: 'InitProducerId', operation: 'IDEMPOTENT_WRITE', resource_type: 'CLUSTER', resource_name: 'kafka-cluster' }),
        item({ type: 'authorization', key, principal: `User:${sa}`, result: 'UNAUTHORIZED', reason: 'KEY_REVOKED', api: 'Produce', operation: 'WRITE', resource_type: 'TOPIC', resource_name: 'orders' }),
      ],
      BROKER_REQUEST,
    );
    const clusterCrn = `crn://keyward/organization=${s.admin.organization}/environment=${env}/cloud-cluster=${lkc}`;
    const [produce, revoked] = (await stored('kafka.Produce')).map(({ event }) => event);
    expect(produce!.type).toBe('io.keyward.authorization');
    expect(produce!.data).toMatchObject({
      resourceName: `${clusterCrn}/kafka=${lkc}/topic=orders`,
      authorizationInfo: {
        granted: true, operation: 'WRITE', resourceType: 'TOPIC', resourceName: 'orders', patternType: 'LITERAL',
        rbacAuthorization: { role: 'DeveloperWrite', crnPattern: `${clusterCrn}/kafka=${lkc}/topic=orders`, bindingId },
      },
      result: { status: 'SUCCESS' },
      count: 100,
    });
    expect(revoked!.data).toMatchObject({ authorizationInfo: { granted: false }, result: { status: 'UNAUTHORIZED', reason: 'KEY_REVOKED' } });
    const [fetch] = (await stored('kafka.Fetch')).map(({ event }) => event);
    expect(fetch!.data).toMatchObject({
      authorizationInfo: {
        granted: false, operation: 'READ', resourceType: 'TOPIC', resourceName: 'secret',
        aclAuthorization: { permissionType: 'DENY', operation: 'READ', resourceType: 'TOPIC', resourceName: 'secret', patternType: 'LITERAL', host: '*', aclId },
      },
      result: { status: 'UNAUTHORIZED', reason: 'DENY_ACL' },
    });
    const [init] = (await stored('kafka.InitProducerId')).map(({ event }) => event);
    expect(init!.data.resourceName).toBe(`${clusterCrn}/kafka=${lkc}`);
    expect(init!.data.authorizationInfo).not.toHaveProperty('rbacAuthorization');
    expect(init!.data.authorizationInfo).not.toHaveProperty('aclAuthorization');
  });

  it.skipIf(skip)('keeps no keyward secret from any field the broker forwards, nor its hash', async () => {
    const secret = generateSecret();
    await events.ingest(
      lkc,
      [
        item({ key: secret, principal: `User:${secret}`, result: 'UNAUTHENTICATED', reason: `INVALID_CREDENTIALS ${secret}`, client_id: `app-${secret}`, listener: secret, broker: secret, mechanism: secret, client_address: secret.slice(0, 64) }),
        item({ type: 'authorization', key, principal: `User:${sa}`, result: 'UNAUTHORIZED', reason: 'NO_GRANT', api: 'Produce', operation: 'WRITE', resource_type: 'TOPIC', resource_name: `topic-${secret}` }),
      ],
      BROKER_REQUEST,
    );
    await s.runtime.audit.flush();
    const rows = await s.runtime.store.db.selectFrom('audit_events').selectAll().execute();
    const all = rows.map((row) => JSON.stringify(row)).join('\n');
    expect(all).not.toContain(secret);
    expect(all).not.toContain(secret.slice(3));
    expect(all).not.toContain(hashSecret(secret));
    expect(all).toContain(maskSecret(secret));
  });

  it.skipIf(skip)('refuses a batch with a bad item, naming the field, and records nothing of it', async () => {
    await s.runtime.audit.flush();
    const count = async () => (await s.runtime.store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const before = Number(await count());
    await expectKeywardError(events.ingest(lkc, [item(), item({ time: 'yesterday' })], BROKER_REQUEST), 'invalid_configuration', /events\[1\]\.time/);
    await expectKeywardError(events.ingest(lkc, [item({ first_time: '2026-03-01T12:00:02.000Z', last_time: '2026-03-01T12:00:01.000Z' })], BROKER_REQUEST), 'invalid_configuration', /events\[0\]\.first_time is after events\[0\]\.last_time/);
    await expectKeywardError(events.ingest(lkc, [item({ result: 'UNAUTHORIZED' })], BROKER_REQUEST), 'invalid_configuration', /events\[0\]\.result/);
    await expectKeywardError(events.ingest(lkc, [item({ type: 'authorization', operation: 'READ', resource_type: 'TOPIC', resource_name: 'x' })], BROKER_REQUEST), 'invalid_configuration', /events\[0\]\.api is required/);
    await expectKeywardError(events.ingest(lkc, [], BROKER_REQUEST), 'invalid_configuration');
    await expectKeywardError(events.ingest(lkc, Array.from({ length: 1001 }, () => item()), BROKER_REQUEST), 'invalid_configuration', /at most 1000/);
    await expectKeywardError(events.ingest('lkc-nosuch', [item()], BROKER_REQUEST), 'not_found');
    await s.runtime.audit.flush();
    expect(Number(await count())).toBe(before);
  });

  it.skipIf(skip)('with --audit-data-plane failures, records failures only and still moves last_used; off records nothing', async () => {
    const failuresOnly = createBrokerEvents({ db: s.runtime.store.db, organizationId: s.admin.organization, audit: s.runtime.audit, lastUsed, auditMode: 'failures' });
    const off = createBrokerEvents({ db: s.runtime.store.db, organizationId: s.admin.organization, audit: s.runtime.audit, lastUsed, auditMode: 'off' });
    const before = (await stored('kafka.Authentication')).length;
    s.clock.advance(120_000);
    await failuresOnly.ingest(lkc, [item({ key, client_id: 'failures-mode' }), item({ key: 'YYYYYYYYYYYYYYYY', result: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS', client_id: 'failures-mode' })], BROKER_REQUEST);
    await off.ingest(lkc, [item({ key: 'YYYYYYYYYYYYYYYY', result: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS', client_id: 'off-mode' })], BROKER_REQUEST);
    const added = (await stored('kafka.Authentication')).slice(before);
    expect(added.map(({ row, event }) => [row.result, event.data.request?.clientId])).toEqual([['UNAUTHENTICATED', 'failures-mode']]);
    expect(await lastUsedOf(key)).toBe(s.clock().toISOString());
  });

  it.skipIf(skip)('leaves every audit chain verifiable', async () => {
    await s.runtime.audit.flush();
    expect(await verifyAuditChains(s.runtime.store.db, s.runtime.audit.key, { now: s.clock() })).toMatchObject({ ok: true, brokenChains: 0 });
  });
});
