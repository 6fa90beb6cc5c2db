/**
 * The verifier's audit (DESIGN §4): a verify result becomes one call to the data-plane recorder,
 * which decides, by mode, whether it is an event of its own, part of an aggregated one, or usage only.
 *
 * An event is the `io.keyward.authorization` event when an action was decided: it carries the
 * authentication (principal, mechanism, key) and the deciding rule together, as Confluent's
 * authorization events do; otherwise it is the `io.keyward.authentication` event.
 */
import { ID_PATTERNS } from '../../domain/ids.js';
import { organizationCrn, resourceCrn } from '../../domain/crn.js';
import type { UsageOutcome } from '../../domain/usage.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditInput } from '../audit/cloud-event.js';
import { NO_REQUEST } from '../audit/data-plane-tuples.js';
import type { DataPlaneAttempt, DataPlaneEventBuilder, DataPlaneRecorder } from '../audit/data-plane-recorder.js';
import type { BlockStarted } from './brute-force.js';
import type { KeyRecord } from './key-record.js';
import type { AuthorizationOutcome, VerifyRequest, VerifyResult } from './verifier.js';
import { principalOf } from '../../domain/principal.js';

const KEY_ID = ID_PATTERNS.apiKey;

export type VerifyRecorder = DataPlaneRecorder<KeyRecord, AuthorizationOutcome>;

function keyResourceCrn(organizationId: string, key: Pick<KeyRecord, 'resourceId' | 'resourceKind' | 'environment'>): string {
  return resourceCrn(organizationId, { kind: key.resourceKind, id: key.resourceId, environment: key.environment });
}

/** The audit event of a verify request, or of the tuple whose first request it was. */
export function verifyEventBuilder(organizationId: string): DataPlaneEventBuilder<KeyRecord, AuthorizationOutcome> {
  return (attempt, outcome, key, decision, aggregate) => {
    const request = attempt.request === NO_REQUEST ? undefined : attempt.request;
    const details: Record<string, unknown> | undefined = attempt.resource ? { resource: attempt.resource } : aggregate?.overflow ? { overflow: true } : undefined;
    if (decision && key) {
      return {
        type: 'io.keyward.authorization',
        method: attempt.method,
        subject: keyResourceCrn(organizationId, key),
        principal: principalOf(key.ownerId),
        apiKey: key.id,
        mechanism: attempt.mechanism,
        request,
        authorization: decision.audit,
        status: decision.granted ? 'SUCCESS' : 'UNAUTHORIZED',
        reason: decision.granted ? undefined : decision.reason,
        details,
      };
    }
    const succeeded = outcome === 'VALID' || outcome === 'FORBIDDEN';
    const input: AuditInput = {
      type: 'io.keyward.authentication',
      method: attempt.method,
      subject: key ? keyResourceCrn(organizationId, key) : organizationCrn(organizationId),
      principal: key ? principalOf(key.ownerId) : undefined,
      apiKey: KEY_ID.test(attempt.key) ? attempt.key : undefined,
      mechanism: attempt.mechanism,
      request,
      status: succeeded ? 'SUCCESS' : 'UNAUTHENTICATED',
      reason: succeeded ? undefined : outcome,
      details,
    };
    return input;
  };
}

export interface VerifyAuditDeps {
  organizationId: string;
  recorder: VerifyRecorder;
  /** Where the rate limiter's block events go (always individual). */
  audit: Pick<AuditLog, 'record'>;
}

export function createVerifyAudit(deps: VerifyAuditDeps) {
  return {
    /**
     * A verify result. `known` is the key the presented id names when it exists, also when the result
     * does not carry it (a wrong secret, a rate-limited request for a cached key): usage counts for it.
     */
    result(input: VerifyRequest, result: VerifyResult, decision?: AuthorizationOutcome, known?: KeyRecord): void {
      const keyId = (result.key ?? known)?.id;
      const outcome: UsageOutcome = result.code;
      if (result.valid && input.auditSuccess === false) {
        deps.recorder.countUsage(result.key.id, outcome);
        return;
      }
      deps.recorder.count(input satisfies DataPlaneAttempt, outcome, result.key, keyId, decision && result.key ? decision : undefined);
    },

    /** A block the rate limiter started: one event of its own in every mode. */
    block(input: VerifyRequest, block: BlockStarted): void {
      deps.audit.record({
        type: 'io.keyward.authentication',
        method: input.method,
        subject: organizationCrn(deps.organizationId),
        apiKey: block.key !== undefined && KEY_ID.test(block.key) ? block.key : undefined,
        mechanism: input.mechanism,
        request: input.request,
        status: 'UNAUTHENTICATED',
        reason: 'RATE_LIMITED',
        details: { blocked: block.subject, address: block.address, until: new Date(block.until).toISOString(), failures: block.failures },
      });
    },
  };
}

export type VerifyAudit = ReturnType<typeof createVerifyAudit>;
