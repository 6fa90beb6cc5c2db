import { parseDuration } from '../../domain/durations.js';
import { errors } from '../../domain/errors.js';
import { auditEventsRepo, cursorOf, type AuditCursor, type AuditEventFilter } from '../../store/repositories/audit-events.js';
import { organizationCrn } from '../../domain/crn.js';
import type { CallContext, ServiceDeps } from '../context.js';
import { MAX_EVENT_TARGET } from '../../contract/audit-target.js';
import { MAX_AUDIT_LIMIT } from '../../contract/schemas/audit.js';
import type { CloudEvent } from './cloud-event.js';
import { storedCloudEvent } from './stored-event.js';

import { AUDIT_RESULTS, AUDIT_TYPES, type AuditResultName, type AuditTypeName } from '../../contract/enums.js';
import { principalOf } from '../../domain/principal.js';
export { AUDIT_RESULTS, AUDIT_TYPES, type AuditResultName, type AuditTypeName };

export const DEFAULT_AUDIT_LIMIT = 100;

/** The filters as a client sends them (query string or CLI flags). */
export interface AuditFilterInput {
  apiKey?: string;
  principal?: string;
  type?: string;
  result?: string;
  /** A duration back from now (`24h`, `7d`) or an ISO-8601 time; inclusive. */
  since?: string;
  /** A duration back from now or an ISO-8601 time; exclusive. */
  until?: string;
}

export interface AuditListInput extends AuditFilterInput {
  /** Only management events about this object: an API key, service account, user, role binding, cluster or environment id. */
  target?: string;
  limit?: number;
  pageToken?: string;
}

/** The filters after validation, with `since`/`until` resolved to absolute times. */
export interface ResolvedAuditFilter {
  apiKey?: string;
  principal?: string;
  type?: AuditTypeName;
  result?: AuditResultName;
  since?: string;
  until?: string;
  target?: string;
}

export interface AuditEventPage {
  events: CloudEvent[];
  /** Opaque token for the next (older) page; absent on the last page. */
  nextToken?: string;
  filter: ResolvedAuditFilter;
  limit: number;
}

const DURATION = /^(\d+\s*[smhdw])+$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** `24h` → that long before now; `2027-01-31T00:00:00Z` → itself; both normalised to ISO-8601 UTC. */
export function resolveTimeBound(value: string, field: 'since' | 'until', now: Date): string {
  const text = value.trim();
  if (DURATION.test(text)) return new Date(now.getTime() - parseDuration(text, field)).toISOString();
  const date = ISO_TIME.test(text) ? new Date(text) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw errors.invalidFilter(`${field} must be a duration back from now such as 24h or 7d, or an ISO-8601 time such as 2027-01-31T00:00:00Z (got "${value}")`);
  }
  return date.toISOString();
}

function oneOf<T extends string>(value: string | undefined, field: string, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  const lower = value.toLowerCase();
  if (!(allowed as readonly string[]).includes(lower)) throw errors.invalidFilter(`${field} must be one of ${allowed.join(', ')} (got "${value}")`);
  return lower as T;
}

/** A principal may be given as `User:sa-abc123` or just `sa-abc123`. */
function normalisePrincipal(value: string): string {
  return value.includes(':') ? value : principalOf(value);
}

export function resolveAuditFilter(input: AuditFilterInput, now: Date): ResolvedAuditFilter {
  const filter: ResolvedAuditFilter = {};
  if (input.apiKey) filter.apiKey = input.apiKey;
  if (input.principal) filter.principal = normalisePrincipal(input.principal);
  const type = oneOf(input.type, 'type', Object.keys(AUDIT_TYPES) as AuditTypeName[]);
  if (type) filter.type = type;
  const result = oneOf(input.result, 'result', AUDIT_RESULTS);
  if (result) filter.result = result;
  if (input.since) filter.since = resolveTimeBound(input.since, 'since', now);
  if (input.until) filter.until = resolveTimeBound(input.until, 'until', now);
  if (filter.since && filter.until && filter.since >= filter.until) throw errors.invalidFilter('since must be before until');
  return filter;
}

function resolveTarget(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > MAX_EVENT_TARGET || /\s/.test(value)) throw errors.invalidFilter(`target must be an object id such as an API key or sa-abc123 (got "${value}")`);
  return value;
}

function repositoryFilter(filter: ResolvedAuditFilter): AuditEventFilter {
  return {
    apiKey: filter.apiKey,
    principal: filter.principal,
    type: filter.type ? AUDIT_TYPES[filter.type] : undefined,
    result: filter.result,
    since: filter.since,
    until: filter.until,
    target: filter.target,
  };
}

/** Page tokens are the keyset of the last event shown: stable while new events arrive. */
export function encodePageToken(cursor: AuditCursor): string {
  return Buffer.from(JSON.stringify([cursor.time, cursor.chain, cursor.seq]), 'utf8').toString('base64url');
}

export function decodePageToken(token: string): AuditCursor {
  const invalid = () => errors.invalidFilter('page_token is not valid');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(value) || value.length !== 3) throw invalid();
  const [time, chain, seq] = value as unknown[];
  if (typeof time !== 'string' || typeof chain !== 'string' || typeof seq !== 'number' || !Number.isSafeInteger(seq)) throw invalid();
  return { time, chain, seq };
}

function validLimit(limit: number | undefined): number {
  const value = limit ?? DEFAULT_AUDIT_LIMIT;
  if (!Number.isInteger(value) || value < 1 || value > MAX_AUDIT_LIMIT) throw errors.invalidFilter(`limit must be between 1 and ${MAX_AUDIT_LIMIT}`);
  return value;
}

/** Reading the audit log: newest-first pages for people, an oldest-first stream for export. */
export function createAuditQueryService(deps: Pick<ServiceDeps, 'db' | 'clock' | 'authz' | 'organizationId'>) {
  const mayRead = (ctx: CallContext) => deps.authz.require(ctx, 'audit:read', organizationCrn(deps.organizationId));
  return {
    async list(ctx: CallContext, input: AuditListInput): Promise<AuditEventPage> {
      await mayRead(ctx);
      const limit = validLimit(input.limit);
      const filter: ResolvedAuditFilter = resolveAuditFilter(input, deps.clock());
      const target = resolveTarget(input.target);
      if (target !== undefined) filter.target = target;
      const after = input.pageToken ? decodePageToken(input.pageToken) : undefined;
      const rows = await auditEventsRepo.listNewestFirst(deps.db, repositoryFilter(filter), limit + 1, after);
      const shown = rows.slice(0, limit);
      const last = shown.at(-1);
      const page: AuditEventPage = { events: shown.map(storedCloudEvent), filter, limit };
      if (rows.length > limit && last) page.nextToken = encodePageToken(cursorOf(last));
      return page;
    },

    /**
     * Every matching event, oldest first (time, then chain and seq). The filters are checked
     * before the first event is read, so a bad filter fails before anything is streamed.
     */
    async export(ctx: CallContext, input: AuditFilterInput): Promise<AsyncIterable<CloudEvent>> {
      await mayRead(ctx);
      const filter = repositoryFilter(resolveAuditFilter(input, deps.clock()));
      const db = deps.db;
      return (async function* events() {
        for await (const row of auditEventsRepo.streamOldestFirst(db, filter)) yield storedCloudEvent(row);
      })();
    },
  };
}

export type AuditQueryService = ReturnType<typeof createAuditQueryService>;
