import { uuidv7 } from './event-id.js';
import { maskSecretsInText, maskSecretsInValue } from '../../domain/mask-secrets.js';

export type AuditType = 'io.keyward.authentication' | 'io.keyward.authorization' | 'io.keyward.management';
export type AuditStatus = 'SUCCESS' | 'UNAUTHENTICATED' | 'UNAUTHORIZED' | 'FAILURE';

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

export type UnchainedEvent = Omit<CloudEvent, 'keywardchain' | 'keywardseq' | 'keywardprevhash' | 'keywardhash'>;

export function buildCloudEvent(source: string, input: AuditInput, now: Date): UnchainedEvent {
  const data: Record<string, unknown> = {
    methodName: input.method,
    resourceName: input.resourceName ?? input.subject,
  };
  if (input.principal !== undefined || input.apiKey !== undefined) {
    const metadata: Record<string, unknown> = {};
    if (input.mechanism) metadata.mechanism = input.mechanism;
    if (input.apiKey) metadata.identifier = input.apiKey;
    data.authenticationInfo = { principal: input.principal ?? null, metadata };
  }
  if (input.authorization) data.authorizationInfo = input.authorization;
  if (input.request) {
    data.requestMetadata = {
      clientAddress: input.request.clientAddress ?? null,
      requestId: input.request.requestId ?? null,
      userAgent: input.request.userAgent ?? null,
    };
  }
  if (input.details) data.request = input.details;
  if (input.aggregate) {
    data.count = input.aggregate.count;
    data.firstTime = input.aggregate.firstTime.toISOString();
    data.lastTime = input.aggregate.lastTime.toISOString();
  }
  const result: Record<string, unknown> = { status: input.status };
  if (input.reason) result.reason = input.reason;
  data.result = result;
  return {
    specversion: '1.0',
    id: uuidv7(),
    source,
    type: input.type,
    subject: maskSecretsInText(input.subject),
    time: (input.time ?? now).toISOString(),
    datacontenttype: 'application/json',
    // No keyward secret is ever written to the audit log, whatever free text an event quotes.
    data: maskSecretsInValue(data),
  };
}
