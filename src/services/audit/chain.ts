import { createHash } from 'node:crypto';
import type { CloudEvent } from './cloud-event.js';

export const GENESIS_HASH = '0'.repeat(64);

function appendCanonical(value: unknown, skip?: ReadonlySet<string>): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + appendCanonical(value[i]);
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = record[key];
    if (v === undefined || skip?.has(key)) continue;
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + appendCanonical(v);
    first = false;
  }
  return out + '}';
}

/** JSON with object keys sorted at every level: the same event always serialises the same way. */
export function canonicalJson(value: unknown): string {
  return appendCanonical(value);
}

const HASH_FIELDS: ReadonlySet<string> = new Set(['keywardprevhash', 'keywardhash']);

/** keywardhash = sha256(keywardprevhash + canonical event), the event without its own hash fields. */
export function eventHash(event: Omit<CloudEvent, 'keywardhash'>): string {
  return createHash('sha256').update(event.keywardprevhash + appendCanonical(event, HASH_FIELDS)).digest('hex');
}
