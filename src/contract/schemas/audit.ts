/** The audit log's read side (`/keyward/v1/audit-events`, DESIGN §4): events, pages, verification and checkpoints. */
import { Type, type Static } from '@sinclair/typebox';
import { MAX_AUDIT_LIMIT } from '../audit-paging.js';

export { MAX_AUDIT_LIMIT };

/** A CloudEvent as stored: every top-level field listed; `data` is already free of secrets. */
export const CloudEvent = Type.Object({
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
export type AuditEvent = Static<typeof CloudEvent>;

/**
 * The fields the server writes into a CloudEvent's `data` (DESIGN §4), for readers such as
 * `audit-log list`: the wire schema leaves `data` free-form, so read it through this type. Every
 * event has a method, a resource and a result; the rest only where they apply (an authenticated
 * principal or key, an authorization decision, an aggregate, the request's details and client).
 */
export type AuditEventData = {
  methodName: string;
  resourceName: string;
  result: { status: string; reason?: string };
  authenticationInfo?: { principal: string | null; metadata: { identifier?: string; mechanism?: string } };
  authorizationInfo?: Record<string, unknown>;
  /** An aggregated event: how many requests it accounts for, and the first and last of them. */
  count?: number;
  firstTime?: string;
  lastTime?: string;
  /** The method's details (ids and counts): what a management event is about. */
  request?: unknown;
  requestMetadata?: { clientAddress: string | null; requestId: string | null; userAgent: string | null };
};

export const AuditEventList = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  metadata: Type.Object({ first: Type.String(), next: Type.Optional(Type.String()) }),
  data: Type.Array(CloudEvent),
});
export type AuditEventList = Static<typeof AuditEventList>;

export const AuditVerification = Type.Object({
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
export type AuditVerification = Static<typeof AuditVerification>;

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
export const AuditCheckpoint = Type.Object({
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
export type AuditCheckpoint = Static<typeof AuditCheckpoint>;

export const AuditVerifyBody = Type.Object({
  anchor: Type.Optional(Type.Unknown({ description: 'A checkpoint document as keyward audit-log checkpoint wrote it' })),
});
export type AuditVerifyBody = Static<typeof AuditVerifyBody>;

const text = (description: string, maxLength = 64) => Type.Optional(Type.String({ maxLength, description }));

/** The filters of a list and of an export. */
export const AuditFilterQuery = Type.Object({
  api_key: text('Only events authenticated with this API key'),
  principal: text('Only events of this principal (User:sa-… or sa-…)'),
  type: text('authentication, authorization or management', 32),
  result: text('success, or failure (any status other than SUCCESS)', 16),
  since: text('From this time (inclusive): a duration back from now such as 24h, or an ISO-8601 time'),
  until: text('Up to this time (exclusive): a duration back from now, or an ISO-8601 time'),
});
export type AuditFilterQuery = Static<typeof AuditFilterQuery>;

export const AuditListQuery = Type.Composite([
  AuditFilterQuery,
  Type.Object({
    target: text('Only management events about this object (exact id): who created, rotated, disabled, enabled or deleted an API key, service account, user, role binding, cluster or environment'),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$', description: `Events per page (1-${MAX_AUDIT_LIMIT}, default 100)` })),
    page_token: text('From metadata.next of the previous page', 256),
  }),
]);
export type AuditListQuery = Static<typeof AuditListQuery>;
