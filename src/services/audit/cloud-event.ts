import { uuidv7 } from './event-id.js';
import { maskSecretsInText, maskSecretsInValue } from '../../domain/mask-secrets.js';

import { eventTarget } from '../../contract/audit-target.js';
import { AUDIT_TYPES, type AuditStatus, type AuditType } from '../../contract/enums.js';
export type { AuditStatus, AuditType };

export interface AuditInput {
  type: AuditType;
  method: string;
  /** CRN of the resource the event is about (CloudEvents `subject`). */
  subject: string;
  resourceName?: string;
  principal?: string;
  /** API key id used for authentication, when there is one. */
  apiKey?: string;
  mechanism?: string;
  authorization?: Record<string, unknown>;
  request?: { clientAddress?: string; requestId?: string; userAgent?: string };
  status: AuditStatus;
  reason?: string;
  /** Method-specific details: ids and counts, never secrets. */
  details?: Record<string, unknown>;
  time?: Date;
  /** An aggregated event (DESIGN §4): how many requests it accounts for, and the first and last of them. */
  aggregate?: { count: number; firstTime: Date; lastTime: Date };
}

export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: AuditType;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
  keywardchain: string;
  keywardseq: number;
  keywardprevhash: string;
  keywardhash: string;
}

/**
 * An event built for the chain, before its seq and previous hash are known: its canonical JSON
 * (chain.ts) cut where the chain fields go, and the values of its indexed columns. Built once;
 * the hash covers the canonical text and the stored JSON is that same text with the hash fields
 * spliced in, so the event is serialised exactly once.
 */
export interface PreparedEvent {
  /** `{"data":…,"datacontenttype":…,"id":…,"keywardchain":` — the canonical text up to the chain name. */
  readonly head: string;
  /** `,"source":…,"specversion":"1.0","subject":…,"time":…,"type":…}` — the canonical text after keywardseq. */
  readonly tail: string;
  readonly id: string;
  readonly time: string;
  readonly type: AuditType;
  readonly method: string;
  readonly principal: string | null;
  readonly apiKey: string | null;
  readonly result: AuditStatus;
  /** The `target` column: `eventTarget` of the event. */
  readonly target: string | null;
}

const str = JSON.stringify;

/** A string of the event: masked (no keyward secret is ever written), then quoted. */
function text(value: string): string {
  return str(maskSecretsInText(value));
}

/**
 * Canonical JSON (sorted keys at every level, undefined skipped) of a masked copy of `value`,
 * in one walk: every string and object key passes through maskSecretsInText. An object whose keys
 * masking changes (a secret used as a key) takes the exact path of maskSecretsInValue, whose key
 * collisions resolve as the stored JSON will parse back.
 */
export function maskedCanonicalJson(value: unknown): string {
  if (typeof value === 'string') return text(value);
  if (value === null || typeof value !== 'object') return str(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + maskedCanonicalJson(value[i]);
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (const key of keys) {
    if (maskSecretsInText(key) !== key) return maskedCanonicalJson(maskSecretsInValue(record));
  }
  keys.sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    out += (first ? '' : ',') + str(key) + ':' + maskedCanonicalJson(v);
    first = false;
  }
  return out + '}';
}

/** `eventTarget` of the event as stored, whose strings are masked. */
function targetOfInput(input: AuditInput): string | null {
  const details = input.details;
  // only management events have a target: the data plane's (the hot path) skip the masking
  if (input.type !== AUDIT_TYPES.management || details === undefined) return null;
  const masked = (value: unknown) => (typeof value === 'string' ? maskSecretsInText(value) : value);
  return eventTarget(input.type, { id: masked(details.id), api_key: masked(details.api_key), cluster: masked(details.cluster) });
}

function nullable(value: string | undefined): string {
  return value === undefined ? 'null' : text(value);
}

/**
 * Builds an event's canonical JSON directly, its keys in sorted order (the order canonicalJson
 * gives, which audit-log verify recomputes from the stored JSON). Every string is masked:
 * the client-supplied ones (user agent, request id, resource, action resource name, key id,
 * reasons quoting input, details) and the server's alike, since masking text without a `kw_`
 * is one indexOf.
 */
export function prepareEvent(source: string, input: AuditInput, now: Date): PreparedEvent {
  const principal = input.principal === undefined ? undefined : maskSecretsInText(input.principal);
  const apiKey = input.apiKey ? maskSecretsInText(input.apiKey) : undefined;
  // data's keys, sorted: authenticationInfo, authorizationInfo, count, firstTime, lastTime,
  // methodName, request, requestMetadata, resourceName, result
  let data = '{';
  if (input.principal !== undefined || input.apiKey !== undefined) {
    let metadata = '';
    if (apiKey) metadata = `"identifier":${str(apiKey)}`;
    if (input.mechanism) metadata += `${metadata ? ',' : ''}"mechanism":${text(input.mechanism)}`;
    data += `"authenticationInfo":{"metadata":{${metadata}},"principal":${principal === undefined ? 'null' : str(principal)}},`;
  }
  if (input.authorization) data += `"authorizationInfo":${maskedCanonicalJson(input.authorization)},`;
  if (input.aggregate) {
    data += `"count":${str(input.aggregate.count)},"firstTime":"${input.aggregate.firstTime.toISOString()}","lastTime":"${input.aggregate.lastTime.toISOString()}",`;
  }
  data += `"methodName":${text(input.method)},`;
  if (input.details) data += `"request":${maskedCanonicalJson(input.details)},`;
  const request = input.request;
  if (request) {
    data += `"requestMetadata":{"clientAddress":${nullable(request.clientAddress)},"requestId":${nullable(request.requestId)},"userAgent":${nullable(request.userAgent)}},`;
  }
  data += `"resourceName":${text(input.resourceName ?? input.subject)},"result":{${input.reason ? `"reason":${text(input.reason)},` : ''}"status":${str(input.status)}}}`;
  const id = uuidv7();
  const time = (input.time ?? now).toISOString();
  return {
    head: `{"data":${data},"datacontenttype":"application/json","id":"${id}","keywardchain":`,
    tail: `,"source":${text(source)},"specversion":"1.0","subject":${text(input.subject)},"time":"${time}","type":${str(input.type)}}`,
    id,
    time,
    type: input.type,
    method: maskSecretsInText(input.method),
    principal: principal ?? null,
    apiKey: apiKey ?? null,
    result: input.status,
    target: targetOfInput(input),
  };
}
