import { AUDIT_TYPES } from './enums.js';

/** The width of the audit events' `target` column: longer values are no target. */
export const MAX_EVENT_TARGET = 64;

/**
 * The id of the object a management event is about, for `audit-log list --target` and the TARGET
 * of its human lines: its details' `id` (the key, account, user, role binding, cluster or
 * environment changed), else their `api_key` (the key that bootstrap and recover-admin create),
 * else their `cluster` (ACL changes name the cluster, not an ACL id); null for other events and for
 * a value longer than the column. The same rule fills the column when written and checks it in
 * `audit-log verify` (migration 0006 applied its own frozen copy to the events stored before).
 */
export function eventTarget(type: string, request: unknown): string | null {
  if (type !== AUDIT_TYPES.management || request === null || typeof request !== 'object') return null;
  const { id, api_key: apiKey, cluster } = request as { id?: unknown; api_key?: unknown; cluster?: unknown };
  const value = typeof id === 'string' ? id : typeof apiKey === 'string' ? apiKey : typeof cluster === 'string' ? cluster : null;
  return value !== null && value.length <= MAX_EVENT_TARGET ? value : null;
}
