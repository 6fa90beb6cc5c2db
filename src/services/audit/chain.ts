import { createHash } from 'node:crypto';
import type { CloudEvent } from './cloud-event.js';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: the same event always serialises the same way. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** keywardhash = sha256(keywardprevhash + canonical event), the event without its own hash fields. */
export function eventHash(event: Omit<CloudEvent, 'keywardhash'>): string {
  const { keywardprevhash, ...rest } = event;
  return createHash('sha256').update(keywardprevhash + canonicalJson(rest)).digest('hex');
}
