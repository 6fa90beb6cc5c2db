import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import type { AuditInput } from './audit/cloud-event.js';
import type { Change } from './changes.js';
import type { CallContext, ServiceDeps } from './context.js';
import { recordReplicaChanges } from './kafka/replica-log.js';
import { endRevokedSessions } from './session-revocation.js';

export interface ChangeTools {
  trx: Kysely<Database>;
  /** Records the management event of this change, written in the same transaction. */
  audit(event: Pick<AuditInput, 'method' | 'subject'> & Partial<AuditInput>): void;
  /** Announces a change to caches once the transaction has committed. */
  changed(change: Change): void;
}

/** What a management change writes through: the audit log's transaction, the change bus, the clock (and the organization its session events name). */
export type ChangeDeps = Pick<ServiceDeps, 'audit' | 'changes' | 'clock' | 'organizationId'>;

/**
 * Runs one management change: one transaction holding the change, its audit event, the end of the
 * console sessions it revokes, the Kafka replica revision it advances and its announcement to other
 * instances; then this process's caches hear of it. Nothing is published when the transaction fails.
 */
export async function applyChange<T>(deps: ChangeDeps, ctx: CallContext, work: (tools: ChangeTools) => Promise<T>): Promise<T> {
  const changes: Change[] = [];
  const result = await deps.audit.transaction(async (trx, record) => {
    const audit: ChangeTools['audit'] = (event) =>
      record({
        type: 'io.keyward.management',
        principal: ctx.actor.principal,
        apiKey: ctx.actor.apiKeyId,
        mechanism: ctx.mechanism ?? 'HTTP_BASIC',
        request: ctx.request,
        status: 'SUCCESS',
        ...event,
      });
    const value = await work({ trx, audit, changed: (change) => changes.push(change) });
    // Console sessions of a key or owner this change disabled or deleted end with it.
    await endRevokedSessions(trx, changes, deps.organizationId, deps.clock(), audit);
    // Kafka brokers' replicas: the revision advances (and its log row is written) only if this commits.
    await recordReplicaChanges(trx, changes, deps.clock());
    await deps.changes.announce(trx, changes);
    return value;
  });
  deps.changes.publish(changes);
  return result;
}
