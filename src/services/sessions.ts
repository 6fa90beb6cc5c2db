import { organizationCrn } from '../domain/crn.js';
import { csrfTokenOf, isWellFormedSessionToken, newSessionId, newSessionToken, sessionTokenHash } from '../domain/session-token.js';
import { sessionsRepo, type ConsoleSessionRow } from '../store/repositories/sessions.js';
import { applyChange } from './change.js';
import type { Actor, CallContext, RequestMetadata, ServiceDeps } from './context.js';
import type { ManagementAuth } from './management-auth.js';
import { keyEndReason } from './session-revocation.js';
import type { KeyLookup, KeyRecord } from './verify/key-record.js';
import { principalOf } from '../domain/principal.js';

/** DESIGN §10: a session ends after 30 minutes without a request, and 12 hours after login whatever happens. */
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_LIFETIME_MS = 12 * 60 * 60_000;
/** `last_seen_at` is written at most this often per session (the idle expiry's precision). */
export const SESSION_TOUCH_MS = 60_000;
/** Live sessions per key at most: a new login ends the key's oldest beyond this. */
export const SESSIONS_PER_KEY = 20;

export interface SessionDeps extends Pick<ServiceDeps, 'db' | 'clock' | 'audit' | 'changes' | 'organizationId'> {
  /** The management API's check of a cloud key and its secret (brute-force guard, failure audit). */
  authenticate: ManagementAuth;
  /** The key's current record: its and its owner's state decide, on every request, whether the session lives. */
  lookup: KeyLookup;
  /** A request made with a session is a use of its key (`last_used`, written at most once a minute). */
  touchLastUsed: (apiKeyId: string) => void;
}

/** What a login answers (the token goes into the cookie only). */
export interface NewSession {
  token: string;
  csrfToken: string;
  principal: string;
  expiresAt: string;
}

/** A live session, as a request made with its cookie sees it. */
export interface LiveSession {
  id: string;
  ctx: CallContext;
  csrfToken: string;
  expiresAt: string;
}

const MECHANISM = 'CONSOLE_SESSION';

function actorOf(session: Pick<ConsoleSessionRow, 'api_key_id' | 'owner_id' | 'owner_kind'>): Actor {
  return { kind: session.owner_kind, id: session.owner_id, principal: principalOf(session.owner_id), apiKeyId: session.api_key_id };
}

/** Why a stored session no longer lives, or undefined while it does. */
function endReason(row: ConsoleSessionRow, key: KeyRecord | undefined, now: Date): string | undefined {
  if (Date.parse(row.expires_at) <= now.getTime()) return 'the session reached its 12-hour lifetime';
  if (Date.parse(row.last_seen_at) + SESSION_IDLE_MS <= now.getTime()) return 'the session was idle for 30 minutes';
  return keyEndReason(key, row.owner_id, now);
}

/**
 * The web console's sessions (DESIGN §10). A login checks the cloud key exactly as HTTP Basic does
 * and stores the session hashed, so any instance serves it. Every request re-reads the key and its
 * owner: disabling or deleting either ends the key's sessions at the next request, on every instance.
 * Logins, logouts and the end of a session are management events (`keyward.CreateSession`,
 * `keyward.DeleteSession`, `keyward.EndSession`); a failed login is a `keyward.ManagementLogin`
 * failure like a failed Basic authentication. Neither the token nor its hash is ever audited.
 */
export function createSessionService(deps: SessionDeps) {
  const subject = organizationCrn(deps.organizationId);

  /** Removes a session that no longer lives, once: the instance whose delete removes the row audits why. */
  async function end(row: ConsoleSessionRow, reason: string, request: RequestMetadata): Promise<void> {
    await applyChange(deps, { actor: actorOf(row), request, mechanism: MECHANISM }, async ({ trx, audit }) => {
      if (await sessionsRepo.delete(trx, row.id)) audit({ method: 'keyward.EndSession', subject, details: { session: row.id, reason } });
    });
  }

  return {
    async login(key: string, secret: string, request: RequestMetadata): Promise<NewSession> {
      const actor = await deps.authenticate(key, secret, request, MECHANISM);
      const now = deps.clock();
      const token = newSessionToken();
      const row: ConsoleSessionRow = {
        id: newSessionId(),
        token_hash: sessionTokenHash(token),
        api_key_id: actor.apiKeyId,
        owner_id: actor.id,
        owner_kind: actor.kind,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString(),
      };
      await sessionsRepo.deleteEnded(deps.db, row.created_at, new Date(now.getTime() - SESSION_IDLE_MS).toISOString());
      await applyChange(deps, { actor, request, mechanism: MECHANISM }, async ({ trx, audit }) => {
        await sessionsRepo.insert(trx, row);
        // trimmed after the insert: two logins at once each see the other's row, and both trim to the cap
        const older = (await sessionsRepo.ofKey(trx, actor.apiKeyId)).slice(SESSIONS_PER_KEY).map((s) => s.id);
        await sessionsRepo.deleteMany(trx, older);
        audit({ method: 'keyward.CreateSession', subject, details: { session: row.id, expires_at: row.expires_at, ...(older.length > 0 ? { ended: older } : {}) } });
      });
      return { token, csrfToken: csrfTokenOf(token), principal: actor.principal, expiresAt: row.expires_at };
    },

    /** The live session of a cookie's token, or undefined (unknown, malformed, ended: ended ones are removed and audited). */
    async resume(token: string, request: RequestMetadata): Promise<LiveSession | undefined> {
      if (!isWellFormedSessionToken(token)) return undefined;
      const row = await sessionsRepo.findByTokenHash(deps.db, sessionTokenHash(token));
      if (!row) return undefined;
      const key = await deps.lookup(row.api_key_id);
      const now = deps.clock();
      const reason = endReason(row, key, now);
      if (reason !== undefined) {
        await end(row, reason, request);
        return undefined;
      }
      if (now.getTime() - Date.parse(row.last_seen_at) >= SESSION_TOUCH_MS) await sessionsRepo.touch(deps.db, row.id, now.toISOString());
      deps.touchLastUsed(row.api_key_id);
      return { id: row.id, ctx: { actor: actorOf(row), request, mechanism: MECHANISM }, csrfToken: csrfTokenOf(token), expiresAt: row.expires_at };
    },

    /** Logout: the session is removed (a second logout of the same session finds nothing and audits nothing). */
    async logout(session: LiveSession): Promise<void> {
      await applyChange(deps, session.ctx, async ({ trx, audit }) => {
        if (await sessionsRepo.delete(trx, session.id)) audit({ method: 'keyward.DeleteSession', subject, details: { session: session.id } });
      });
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
