import { Readable } from 'node:stream';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { createAuditQueryService, MAX_AUDIT_LIMIT, type AuditEventPage } from '../../services/audit/audit-query.js';
import { createAuditVerifyService, type VerifyResult } from '../../services/audit/audit-verify.js';
import { createAuditCheckpointService } from '../../services/audit/audit-checkpoint.js';
import type { CloudEvent } from '../../services/audit/cloud-event.js';
import { ctx } from '../plugins/authentication.js';
import { ErrorBody } from '../schemas.js';
import { security, type RouteDeps } from './route-deps.js';

/** A CloudEvent as stored: every top-level field listed; `data` is already free of secrets. */
export const CloudEventSchema = Type.Object({
  specversion: Type.String(),
  id: Type.String(),
  source: Type.String(),
  type: Type.String(),
  subject: Type.String(),
  time: Type.String(),
  datacontenttype: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  keywardchain: Type.String(),
  keywardseq: Type.Integer(),
  keywardprevhash: Type.String(),
  keywardhash: Type.String(),
});

const AuditEventList = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  metadata: Type.Object({ first: Type.String(), next: Type.Optional(Type.String()) }),
  data: Type.Array(CloudEventSchema),
});

const AuditVerification = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  ok: Type.Boolean(),
  chains: Type.Integer(),
  events: Type.Integer(),
  broken_chains: Type.Integer(),
  first_broken: Type.Optional(Type.Object({
    id: Type.Optional(Type.String({ description: 'The broken event, when one event is at fault' })),
    chain: Type.String({ description: 'The broken chain; empty when the chain registry itself is broken' }),
    seq: Type.Optional(Type.Integer()),
    time: Type.Optional(Type.String()),
    reason: Type.String(),
  })),
  anchor: Type.Optional(Type.Object({ id: Type.String(), time: Type.String(), chains: Type.Integer() }, { description: 'The checkpoint given as anchor: every chain it lists was checked against it' })),
});

const CheckpointChain = Type.Object({
  name: Type.String(),
  host: Type.String({ description: 'The full host name of the writer (not part of the chain name)' }),
  keyed: Type.Boolean({ description: 'false for a legacy (unkeyed sha256) chain written before the audit key' }),
  head_seq: Type.Integer(),
  head_hash: Type.String(),
  head_time: Type.Optional(Type.String()),
  floor_seq: Type.Integer(),
  days: Type.Optional(Type.Array(Type.Tuple([Type.String(), Type.Integer()]), { description: 'Per UTC day with events, the last seq of that day' })),
});

/** A signed checkpoint (DESIGN §4): ship it out of the database; `verify` takes it back as anchor. */
const AuditCheckpoint = Type.Object({
  kind: Type.Literal('AuditCheckpoint'),
  version: Type.Literal(1),
  id: Type.String(),
  time: Type.String(),
  organization: Type.String(),
  key_id: Type.String({ description: 'Public fingerprint of the audit key' }),
  registry: Type.Object({ chains: Type.Integer(), digest: Type.String() }),
  chains: Type.Array(CheckpointChain),
  public_key: Type.String({ description: 'Ed25519 public key (raw, base64) derived from the audit key' }),
  signature: Type.String({ description: 'Ed25519 signature (base64) over the canonical JSON of every other field' }),
});

const VerifyBody = Type.Object({
  anchor: Type.Optional(Type.Unknown({ description: 'A checkpoint document as keyward audit-log checkpoint wrote it' })),
});

const text = (description: string, maxLength = 64) => Type.Optional(Type.String({ maxLength, description }));

const FilterQuery = Type.Object({
  api_key: text('Only events authenticated with this API key'),
  principal: text('Only events of this principal (User:sa-… or sa-…)'),
  type: text('authentication, authorization or management', 32),
  result: text('success, or failure (any status other than SUCCESS)', 16),
  since: text('From this time (inclusive): a duration back from now such as 24h, or an ISO-8601 time'),
  until: text('Up to this time (exclusive): a duration back from now, or an ISO-8601 time'),
});

const ListQuery = Type.Composite([
  FilterQuery,
  Type.Object({
    target: text('Only management events about this object (exact id): who created, rotated, disabled, enabled or deleted an API key, service account, user, role binding, cluster or environment'),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$', description: `Events per page (1-${MAX_AUDIT_LIMIT}, default 100)` })),
    page_token: text('From metadata.next of the previous page', 256),
  }),
]);

const API_VERSION = 'keyward/v1';
const LIST_PATH = '/keyward/v1/audit-events';

/** The query of a page's links: the filters as resolved (absolute times), so every page shows the same window. */
function linkQuery(page: AuditEventPage): Record<string, string | undefined> {
  const f = page.filter;
  return { api_key: f.apiKey, principal: f.principal, type: f.type, result: f.result, since: f.since, until: f.until, target: f.target, limit: String(page.limit) };
}

function presentVerification(result: VerifyResult) {
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
  const query = createAuditQueryService(deps.services.deps);
  const verifier = createAuditVerifyService(deps.services.deps);
  const checkpoints = createAuditCheckpointService(deps.services.deps);
  const common = { preHandler: deps.authenticate };
  const tags = ['Audit log'];

  app.get(LIST_PATH, { ...common, schema: { tags, security, querystring: ListQuery, response: { 200: AuditEventList, '4xx': ErrorBody } } }, async (request) => {
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
      tags, security, querystring: FilterQuery,
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
      tags, security, body: VerifyBody,
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
