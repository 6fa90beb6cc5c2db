/** One line of a key's recent events, read from a CloudEvent's free-form `data` (DESIGN §4). */
import { AUDIT_TYPES } from '../../../src/contract/index';
import type { AuditEvent } from './types';

export interface EventLine {
  id: string;
  time: string;
  /** authentication, authorization, management (the short name) or the CloudEvents type. */
  type: string;
  /** SUCCESS, UNAUTHENTICATED, UNAUTHORIZED, FAILURE. */
  status: string;
  reason: string;
  clientAddress: string;
  method: string;
  /** For an authorization: "READ TOPIC orders". */
  action: string;
  /** An aggregated event stands for this many requests. */
  count: number;
}

const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

const SHORT_TYPES: ReadonlyMap<string, string> = new Map(Object.entries(AUDIT_TYPES).map(([name, type]) => [type, name]));

export function eventLine(event: AuditEvent): EventLine {
  const data = event.data;
  const result = record(data.result);
  const authorization = record(data.authorizationInfo);
  const action = [authorization.operation, authorization.resourceType, authorization.resourceName].map(text).filter((part) => part !== '').join(' ');
  const count = Number(text(data.count));
  return {
    id: event.id,
    time: event.time,
    type: SHORT_TYPES.get(event.type) ?? event.type,
    status: text(result.status),
    reason: text(result.reason),
    clientAddress: text(record(data.requestMetadata).clientAddress),
    method: text(data.methodName),
    action,
    count: Number.isInteger(count) && count > 1 ? count : 1,
  };
}

/** Newest first, at most `limit`, each event once (the two type queries never overlap, but a retry might). */
export function mergeNewestFirst(lists: ReadonlyArray<readonly AuditEvent[]>, limit: number): AuditEvent[] {
  const seen = new Set<string>();
  const all: AuditEvent[] = [];
  for (const list of lists) for (const event of list) if (!seen.has(event.id)) { seen.add(event.id); all.push(event); }
  return all.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0)).slice(0, limit);
}
