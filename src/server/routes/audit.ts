import { Readable } from 'node:stream';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AuditEventPage } from '../../services/audit/audit-query.js';
import type { VerifyResult } from '../../services/audit/audit-verify.js';
import type { CloudEvent } from '../../services/audit/cloud-event.js';
import { ctx } from '../plugins/authentication.js';
import { AuditCheckpoint, AuditEventList, AuditFilterQuery, AuditListQuery, AuditVerification, AuditVerifyBody, ErrorBody } from '../../contract/index.js';
import { security, type RouteDeps } from './route-deps.js';

const API_VERSION = 'keyward/v1';
const LIST_PATH = '/keyward/v1/audit-events';

/** The query of a page's links: the filters as resolved (absolute times), so every page shows the same window. */
function linkQuery(page: AuditEventPage): Record<string, string | undefined> {
  const f = page.filter;
  return { api_key: f.apiKey, principal: f.principal, type: f.type, result: f.result, since: f.since, until: f.until, target: f.target, limit: String(page.limit) };
}

function presentVerification(result: VerifyResult): AuditVerification {
  return {
    api_version: API_VERSION,
    kind: 'AuditVerification',
    ok: result.ok,
    chains: result.chains,
    events: result.events,
    broken_chains: result.brokenChains,
    ...(result.firstBroken ? { first_broken: result.firstBroken } : {}),
    ...(result.anchor ? { anchor: result.anchor } : {}),
  };
}

async function* jsonLines(events: AsyncIterable<CloudEvent>): AsyncGenerator<string> {
  for await (const event of events) yield JSON.stringify(event) + '\n';
}

/**
 * The audit log, read side: `GET /keyward/v1/audit-events` (newest first, keyset pages),
 * `GET /keyward/v1/audit-events/export` (every matching event as CloudEvents JSON lines, oldest
 * first, streamed), `GET /keyward/v1/audit-events/verify` (checks every chain against the registry),
 * `POST …/verify` (the same, and against a shipped checkpoint) and `POST …/checkpoint` (signs one).
 */
export async function auditRoutes(fastify: FastifyInstance, deps: RouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { query, verifier, checkpoints } = deps.services.auditLog;
  const common = { preHandler: deps.authenticate };
  const tags = ['Audit log'];

  app.get(LIST_PATH, { ...common, schema: { tags, security, querystring: AuditListQuery, response: { 200: AuditEventList, '4xx': ErrorBody } } }, async (request) => {
    const q = request.query;
    const page = await query.list(ctx(request), {
      apiKey: q.api_key, principal: q.principal, type: q.type, result: q.result, since: q.since, until: q.until, target: q.target,
      limit: q.limit === undefined ? undefined : Number(q.limit), pageToken: q.page_token,
    });
    // Keyset pages over an append-only log: no total_size, which would cost a count per page.
    const list = deps.present.list(API_VERSION, 'AuditEvent', LIST_PATH, { items: page.events, total: 0, nextToken: page.nextToken }, (e) => e, linkQuery(page));
    const metadata = list.metadata.next ? { first: list.metadata.first, next: list.metadata.next } : { first: list.metadata.first };
    return { ...list, metadata };
  });

  app.get(`${LIST_PATH}/export`, {
    ...common,
    schema: {
      tags, security, querystring: AuditFilterQuery,
      response: { 200: Type.Unknown({ description: 'One CloudEvent per line (application/x-ndjson); a stream is never serialised' }), '4xx': ErrorBody },
    },
  }, async (request, reply) => {
    const q = request.query;
    const events = await query.export(ctx(request), { apiKey: q.api_key, principal: q.principal, type: q.type, result: q.result, since: q.since, until: q.until });
    return reply.type('application/x-ndjson').header('cache-control', 'no-store').send(Readable.from(jsonLines(events)));
  });

  app.get(`${LIST_PATH}/verify`, { ...common, schema: { tags, security, response: { 200: AuditVerification, '4xx': ErrorBody } } }, async (request) => {
    return presentVerification(await verifier.verify(ctx(request)));
  });

  app.post(`${LIST_PATH}/verify`, {
    ...common,
    schema: {
      tags, security, body: AuditVerifyBody,
      response: { 200: AuditVerification, '4xx': ErrorBody },
    },
  }, async (request) => {
    return presentVerification(await verifier.verify(ctx(request), request.body.anchor));
  });

  app.post(`${LIST_PATH}/checkpoint`, {
    ...common,
    schema: {
      tags, security,
      response: { 201: AuditCheckpoint, '4xx': ErrorBody },
    },
  }, async (request, reply) => {
    const checkpoint = await checkpoints.checkpoint(ctx(request));
    return reply.code(201).header('cache-control', 'no-store').send(checkpoint);
  });
}
