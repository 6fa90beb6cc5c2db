/** One row of the audit log table: the key page's event line (keys/audit-event.ts) and who, with which key, about what. */
import { eventTarget } from '../../../src/contract/index';
import { eventLine, type EventLine } from '../keys/audit-event';
import type { AuditEvent } from '../keys/types';

export interface AuditRow extends EventLine {
  /** `User:sa-…`, '' when the event names none (a failed authentication of an unknown key). */
  principal: string;
  /** The API key the request authenticated with, '' without one. */
  apiKey: string;
  /** The object a management event is about (the `target` filter), '' for other events. */
  target: string;
}

const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export function auditRow(event: AuditEvent): AuditRow {
  const authentication = record(event.data.authenticationInfo);
  return {
    ...eventLine(event),
    principal: text(authentication.principal),
    apiKey: text(record(authentication.metadata).identifier),
    target: eventTarget(event.type, event.data.request) ?? '',
  };
}
