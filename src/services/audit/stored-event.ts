import type { AuditEventRow } from '../../store/repositories/audit-events.js';
import type { AuditType, CloudEvent } from './cloud-event.js';

/**
 * A stored event as the API shows it: exactly the CloudEvent fields, picked from the stored JSON.
 * A row whose JSON no longer parses (tampering, corruption) is shown from its indexed columns, so
 * that listing still works while `audit-log verify` reports the row.
 */
export function storedCloudEvent(row: AuditEventRow): CloudEvent {
  let parsed: Partial<CloudEvent> | undefined;
  try {
    const value: unknown = JSON.parse(row.event);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) parsed = value as Partial<CloudEvent>;
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    return {
      specversion: '1.0',
      id: row.id,
      source: '',
      type: row.type as AuditType,
      subject: '',
      time: row.time,
      datacontenttype: 'application/json',
      data: { methodName: row.method, result: { status: row.result }, keywardError: 'The stored event is not valid JSON' },
      keywardchain: row.chain,
      keywardseq: row.seq,
      keywardprevhash: row.prev_hash,
      keywardhash: row.hash,
    };
  }
  return {
    specversion: parsed.specversion ?? '1.0',
    id: parsed.id ?? row.id,
    source: parsed.source ?? '',
    type: parsed.type ?? (row.type as AuditType),
    subject: parsed.subject ?? '',
    time: parsed.time ?? row.time,
    datacontenttype: parsed.datacontenttype ?? 'application/json',
    data: parsed.data !== null && typeof parsed.data === 'object' ? parsed.data : {},
    keywardchain: parsed.keywardchain ?? row.chain,
    keywardseq: parsed.keywardseq ?? row.seq,
    keywardprevhash: parsed.keywardprevhash ?? row.prev_hash,
    keywardhash: parsed.keywardhash ?? row.hash,
  };
}
