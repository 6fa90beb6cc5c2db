import { legacyChainHash, type AuditKey } from './audit-key.js';
import type { CloudEvent, PreparedEvent } from './cloud-event.js';

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

/** What an event's hash covers: keywardprevhash + the canonical event without its own hash fields. */
function chainText(event: Omit<CloudEvent, 'keywardhash'>): string {
  return event.keywardprevhash + appendCanonical(event, HASH_FIELDS);
}

/** keywardhash = HMAC-SHA256(audit key, keywardprevhash + canonical event). */
export function eventHash(key: AuditKey, event: Omit<CloudEvent, 'keywardhash'>): string {
  return key.chainHash(chainText(event));
}

/** The unkeyed sha256(keywardprevhash + canonical event) of chains written before the audit key (legacy chains). */
export function legacyEventHash(event: Omit<CloudEvent, 'keywardhash'>): string {
  return legacyChainHash(chainText(event));
}

/** A prepared event placed in its chain: its hash, and the JSON stored for it (the canonical text with the hash fields). */
export interface ChainedEvent {
  hash: string;
  json: string;
}

/**
 * Chains a prepared event without serialising it again: the hash covers
 * `keywardprevhash + canonical event` (the event's canonical text with its chain and seq, as
 * `eventHash` computes it from the parsed event), and the stored JSON is the same text with
 * keywardhash and keywardprevhash spliced in at their sorted place. `chainJson` is the chain name
 * as a JSON string.
 */
export function chainPrepared(key: AuditKey, event: PreparedEvent, chainJson: string, seq: number, prevHash: string): ChainedEvent {
  const before = event.head + chainJson;
  const after = `,"keywardseq":${seq}${event.tail}`;
  const hash = key.chainHash(prevHash + before + after);
  return { hash, json: `${before},"keywardhash":"${hash}","keywardprevhash":"${prevHash}"${after}` };
}
