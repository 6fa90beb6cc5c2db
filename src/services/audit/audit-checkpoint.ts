import { errors } from '../../domain/errors.js';
import { organizationCrn } from '../../domain/crn.js';
import { auditChainsRepo } from '../../store/repositories/audit-chains.js';
import type { Executor } from '../../store/repositories/executor.js';
import type { CallContext, ServiceDeps } from '../context.js';
import type { AuditKey } from './audit-key.js';
import { inspectAuditChains, type BrokenEvent } from './audit-verify.js';
import { CHECKPOINT_KIND, CHECKPOINT_VERSION, signCheckpoint, type Checkpoint } from './checkpoint.js';
import { uuidv7 } from './event-id.js';
import { auditRetentionDays } from './retention.js';

function describe(broken: BrokenEvent): string {
  const where = broken.chain === '' ? 'the chain registry' : `chain ${broken.chain}${broken.seq === undefined ? '' : `, seq ${broken.seq}`}`;
  return `${where}: ${broken.reason}`;
}

/**
 * Verifies the whole log and signs what it verified: every chain's head (seq, hash, time), its
 * floor, and the registry's count and digest. A broken log is never certified. The checkpoint is
 * also stored (`audit_checkpoints`), so that later verifies check the heads it names even without
 * an anchor; shipped out of the database it is the anchor of `audit-log verify --anchor`.
 */
export async function takeCheckpoint(db: Executor, key: AuditKey, organization: string, now: Date): Promise<Checkpoint> {
  const inspection = await inspectAuditChains(db, key, { retentionDays: await auditRetentionDays(db), now });
  if (!inspection.ok && inspection.firstBroken) {
    throw errors.invalid(`The audit log does not verify (${describe(inspection.firstBroken)}): a checkpoint certifies only an intact log; run keyward audit-log verify`);
  }
  const checkpoint = signCheckpoint(key, {
    kind: CHECKPOINT_KIND,
    version: CHECKPOINT_VERSION,
    id: uuidv7(),
    time: now.toISOString(),
    organization,
    key_id: key.id,
    registry: inspection.registry,
    chains: inspection.verified,
    public_key: key.publicKey,
  });
  await auditChainsRepo.insertCheckpoint(db, { id: checkpoint.id, created_at: checkpoint.time, document: JSON.stringify(checkpoint) });
  return checkpoint;
}

export function createAuditCheckpointService(deps: Pick<ServiceDeps, 'db' | 'authz' | 'organizationId' | 'audit' | 'clock'>) {
  return {
    /** Needs what verify needs (`audit:read` on the organization). */
    async checkpoint(ctx: CallContext): Promise<Checkpoint> {
      await deps.authz.require(ctx, 'audit:read', organizationCrn(deps.organizationId));
      return takeCheckpoint(deps.db, deps.audit.key, deps.organizationId, deps.clock());
    },
  };
}
