import type { Kysely } from 'kysely';
import { organizationCrn } from '../domain/crn.js';
import { checkKeyState } from '../domain/kafka/login-check.js';
import type { Database } from '../store/database.js';
import { sessionsRepo } from '../store/repositories/sessions.js';
import type { ChangeTools } from './change.js';
import type { Change } from './changes.js';
import { loadKeyRecord, type KeyRecord } from './verify/key-record.js';

/**
 * Why a console session of `ownerId`'s key can no longer live, from the key's record as it is now
 * (undefined: it still can). The key's state is judged by the one key check (`checkKeyState`: key
 * status, owner status, expiry), as for every other authentication.
 */
export function keyEndReason(key: KeyRecord | undefined, ownerId: string, now: Date): string | undefined {
  if (key === undefined || key.ownerId !== ownerId) return 'its API key was deleted';
  if (key.resourceKind !== 'cloud') return 'its API key is not a cloud key';
  if (key.ownerStatus === 'DELETED') return `the owner ${ownerId} was deleted`;
  const check = checkKeyState(key, () => now);
  if (check.result === 'DISABLED') return check.disabled === 'key' ? 'its API key is disabled' : `the owner ${ownerId} is disabled`;
  if (check.result === 'EXPIRED') return 'its API key expired';
  return undefined;
}

/**
 * DESIGN §10: a session ends at once when its key is disabled or deleted (or its owner). Run inside
 * every management change's transaction (change.ts), for the keys and owners the change touched:
 * their sessions that can no longer live are removed, each with a `keyward.EndSession` event, before
 * the change commits. So re-enabling the key later does not bring an unused session back, and no
 * disable path (the API, a leak report, an owner's disable or deletion) can forget it.
 */
export async function endRevokedSessions(trx: Kysely<Database>, changes: readonly Change[], organizationId: string, now: Date, audit: ChangeTools['audit']): Promise<void> {
  const keys = changes.flatMap((c) => (c.kind === 'api-key' ? [c.id] : []));
  const owners = changes.flatMap((c) => (c.kind === 'owner' ? [c.id] : []));
  if (keys.length === 0 && owners.length === 0) return;
  const sessions = await sessionsRepo.ofKeysOrOwners(trx, keys, owners);
  for (const session of sessions) {
    // the key's record as this transaction leaves it
    const reason = keyEndReason(await loadKeyRecord(trx, session.api_key_id), session.owner_id, now);
    if (reason === undefined) continue;
    if (await sessionsRepo.delete(trx, session.id)) {
      audit({ method: 'keyward.EndSession', subject: organizationCrn(organizationId), details: { session: session.id, api_key: session.api_key_id, reason } });
    }
  }
}
