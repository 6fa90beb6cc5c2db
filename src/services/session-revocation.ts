import type { Kysely } from 'kysely';
import { organizationCrn } from '../domain/crn.js';
import type { Database } from '../store/database.js';
import { sessionsRepo } from '../store/repositories/sessions.js';
import type { ChangeTools } from './change.js';
import type { Change } from './changes.js';

/**
 * Why a console session can no longer live, from its key's and its owner's rows as they are now
 * (undefined: it still can). Expiry is not judged here: it needs no change to happen.
 */
export function revocationReason(row: { keyStatus: string | null; ownerStatus: string | null; ownerId: string }): string | undefined {
  if (row.keyStatus === null) return 'its API key was deleted';
  if (row.keyStatus !== 'ACTIVE') return 'its API key is disabled';
  if (row.ownerStatus === null) return `the owner ${row.ownerId} was deleted`;
  if (row.ownerStatus !== 'ACTIVE') return `the owner ${row.ownerId} is disabled`;
  return undefined;
}

/**
 * DESIGN §10: a session ends at once when its key is disabled or deleted (or its owner). Run inside
 * every management change's transaction (change.ts), for the keys and owners the change touched:
 * their sessions that can no longer live are removed, each with a `keyward.EndSession` event, before
 * the change commits. So re-enabling the key later does not bring an unused session back, and no
 * disable path (the API, a leak report, an owner's disable or deletion) can forget it.
 */
export async function endRevokedSessions(trx: Kysely<Database>, changes: readonly Change[], organizationId: string, audit: ChangeTools['audit']): Promise<void> {
  const keys = changes.flatMap((c) => (c.kind === 'api-key' ? [c.id] : []));
  const owners = changes.flatMap((c) => (c.kind === 'owner' ? [c.id] : []));
  if (keys.length === 0 && owners.length === 0) return;
  const sessions = await trx
    .selectFrom('console_sessions as s')
    .leftJoin('api_keys as k', 'k.id', 's.api_key_id')
    .leftJoin('users as u', 'u.id', 's.owner_id')
    .leftJoin('service_accounts as a', 'a.id', 's.owner_id')
    .select(['s.id', 's.api_key_id', 's.owner_id', 's.owner_kind', 'k.status as key_status', 'u.status as user_status', 'a.status as account_status'])
    .where((eb) => eb.or([...(keys.length > 0 ? [eb('s.api_key_id', 'in', keys)] : []), ...(owners.length > 0 ? [eb('s.owner_id', 'in', owners)] : [])]))
    .execute();
  for (const session of sessions) {
    const ownerStatus = session.owner_kind === 'user' ? session.user_status : session.account_status;
    const reason = revocationReason({ keyStatus: session.key_status, ownerStatus, ownerId: session.owner_id });
    if (reason === undefined) continue;
    if (await sessionsRepo.delete(trx, session.id)) {
      audit({ method: 'keyward.EndSession', subject: organizationCrn(organizationId), details: { session: session.id, api_key: session.api_key_id, reason } });
    }
  }
}
