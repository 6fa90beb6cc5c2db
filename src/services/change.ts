import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import type { AuditInput } from './audit/cloud-event.js';
import type { Change } from './changes.js';
import type { CallContext, ServiceDeps } from './context.js';
import { recordReplicaChanges } from './kafka/replica-log.js';

export interface ChangeTools {
  trx: Kysely<Database>;
  /** Records the management event of this change, written in the same transaction. */
  audit(event: Pick<AuditInput, 'method' | 'subject'> & Partial<AuditInput>): void;
  /** Announces a change to caches once the transaction has committed. */
  changed(change: Change): void;
}

/** What a management change writes through: the audit log's transaction, the change bus and the clock. */
export type ChangeDeps = Pick<ServiceDeps, 'audit' | 'changes' | 'clock'>;

/**
 * Runs one management change: one transaction holding the change, its audit event, the Kafka
 * replica revision it advances and its announcement to other instances; then this process's caches
 * hear of it. Nothing is published when the transaction fails.
 */
export async function applyChange<T>(deps: ChangeDeps, ctx: CallContext, work: (tools: ChangeTools) => Promise<T>): Promise<T> {
  const changes: Change[] = [];
  const result = await deps.audit.transaction(async (trx, record) => {
    const value = await work({
      trx,
      audit: (event) =>
        record({
          type: 'io.keyward.management',
          principal: ctx.actor.principal,
          apiKey: ctx.actor.apiKeyId,
          mechanism: ctx.mechanism ?? 'HTTP_BASIC',
          request: ctx.request,
          status: 'SUCCESS',
          ...event,
        }),
      changed: (change) => changes.push(change),
    });
    // Kafka brokers' replicas: the revision advances (and its log row is written) only if this commits.
    await recordReplicaChanges(trx, changes, deps.clock());
    await deps.changes.announce(trx, changes);
    return value;
  });
  deps.changes.publish(changes);
  return result;
}
