import { ID_PATTERNS } from '../../domain/ids.js';
import type { Kysely } from 'kysely';
import { checkKeyDigest, checkKeyState, type KeyCheck } from '../../domain/kafka/login-check.js';
import { digestsEqual, hashSecret } from '../../domain/secrets.js';
import type { Database } from '../../store/database.js';
import type { RequestMetadata } from '../context.js';
import type { BruteForceGuard } from './brute-force.js';
import type { KeyCache } from './key-cache.js';
import { loadKeyRecord, sameKeyRecord, type KeyRecord } from './key-record.js';
import type { LastUsedRecorder } from './last-used.js';
import type { VerifyAudit } from './verify-audit.js';

export type FailureCode = 'INVALID_CREDENTIALS' | 'EXPIRED' | 'DISABLED' | 'WRONG_RESOURCE' | 'FORBIDDEN' | 'RATE_LIMITED';

export interface Action {
  operation: string;
  resource_type: string;
  resource_name: string;
}

export interface AuthorizationOutcome {
  granted: boolean;
  reason: string;
  /** The audit `authorizationInfo` of this decision (rule that decided, pattern type…). */
  audit: Record<string, unknown>;
}

/** Decides an action for an authenticated key: the one authorizer, plugged in by the runtime. */
export type DataPlaneAuthorizer = (key: KeyRecord, principal: string, action: Action, host?: string) => AuthorizationOutcome | Promise<AuthorizationOutcome>;

export type Mechanism = 'VERIFY_API' | 'HTTP_BASIC' | 'OAUTH2_CLIENT_CREDENTIALS';

export interface VerifyRequest {
  key: string;
  secret: string;
  resource?: string;
  action?: Action;
  method: string;
  mechanism: Mechanism;
  request: RequestMetadata;
  /** Record successful authentications too (default true; management logins record failures only). */
  auditSuccess?: boolean;
}

/** Verification is a result, never an exception. */
export type VerifyResult =
  | { valid: true; code: 'VALID'; key: KeyRecord; principal: string; authorization?: { granted: true; reason: string } }
  | { valid: false; code: FailureCode; key?: KeyRecord; principal?: string; reason: string; authorization?: { granted: false; reason: string }; retryAfterSeconds?: number };

export interface VerifierDeps {
  db: Kysely<Database>;
  organizationId: string;
  clock: () => Date;
  cache: KeyCache;
  guard: BruteForceGuard;
  lastUsed: LastUsedRecorder;
  /** Where every result goes: the data-plane recorder decides what reaches the audit log (verify-audit.ts). */
  audit: VerifyAudit;
  authorizer?: DataPlaneAuthorizer;
  /** False while cross-instance invalidation is down: then every lookup goes to the database. */
  cacheTrusted?: () => boolean;
  /** Counts every result (Prometheus). */
  onResult?: (method: string, code: string) => void;
}

const KEY_ID = ID_PATTERNS.apiKey;

export function createVerifier(deps: VerifierDeps) {
  const trusted = deps.cacheTrusted ?? (() => true);

  /** The cached record when there is one (undefined: not cached or the cache is not trusted now). */
  function cached(id: string): KeyRecord | undefined {
    return trusted() ? deps.cache.get(id) : undefined;
  }

  /**
   * One round trip to the store; the record is cached for the next request unless the cache
   * already holds it unchanged (then a wrong secret for a cached key does no more work than one
   * for an unknown id).
   */
  async function load(id: string, cachedRecord: KeyRecord | undefined): Promise<KeyRecord | undefined> {
    const generation = deps.cache.generation;
    const record = await loadKeyRecord(deps.db, id);
    if (record && !(cachedRecord && sameKeyRecord(cachedRecord, record)) && trusted() && deps.cache.generation === generation) deps.cache.set(id, record);
    return record;
  }

  /** Every result is counted and handed to the audit; `known`: the existing key a result without one is about. */
  function audit(input: VerifyRequest, result: VerifyResult, decision?: AuthorizationOutcome, known?: KeyRecord): void {
    deps.onResult?.(input.method, result.code);
    deps.audit.result(input, result, decision, known);
  }

  /** `known`: the key a wrong secret was presented for (not in the result, but its usage counts). */
  function failure(input: VerifyRequest, code: FailureCode, reason: string, key?: KeyRecord, known?: KeyRecord): VerifyResult {
    if (code === 'INVALID_CREDENTIALS') {
      for (const block of deps.guard.fail(input.key, input.request.clientAddress)) deps.audit.block(input, block);
    }
    const result: VerifyResult = { valid: false, code, reason, ...(key ? { key, principal: `User:${key.ownerId}` } : {}) };
    audit(input, result, undefined, known);
    return result;
  }

  /**
   * The credentials and the key they name. A match may come from the cache (then only the key's state is
   * checked: its secret already matched); a mismatch never does: it is decided on the store's current row.
   * So an unknown id and a known id with a wrong secret cost the same (one round trip each, then one
   * constant-time comparison in `checkKeyDigest`, no timing oracle on which ids exist), and no stale entry
   * ever refuses a key that the store holds (absent ids are not cached at all).
   */
  async function checkCredentials(id: string, presented: string): Promise<{ key: KeyRecord | undefined; check: KeyCheck }> {
    const wellFormed = KEY_ID.test(id);
    const hit = wellFormed ? cached(id) : undefined;
    if (hit && digestsEqual(presented, hit.secretHash)) return { key: hit, check: checkKeyState(hit, deps.clock) };
    const key = wellFormed ? await load(id, hit) : undefined;
    return { key, check: checkKeyDigest(key, presented, deps.clock) };
  }

  /**
   * The checks, in one fixed order: rate limit (of this client address), credentials, key and
   * owner status, expiry (these four in `checkKeyDigest`, shared with the Kafka broker plugin), resource, action.
   */
  return async function verify(input: VerifyRequest): Promise<VerifyResult> {
    const blockedMs = deps.guard.blockedFor(input.key, input.request.clientAddress);
    if (blockedMs > 0) {
      const result: VerifyResult = { valid: false, code: 'RATE_LIMITED', reason: 'Too many failed attempts; try again later', retryAfterSeconds: Math.ceil(blockedMs / 1000) };
      audit(input, result, undefined, KEY_ID.test(input.key) ? cached(input.key) : undefined);
      return result;
    }
    const { key, check } = await checkCredentials(input.key, hashSecret(input.secret));
    if (check.result === 'INVALID_CREDENTIALS' || key === undefined) return failure(input, 'INVALID_CREDENTIALS', 'Invalid API key or secret', undefined, key);
    if (check.result === 'DISABLED') {
      return failure(input, 'DISABLED', check.disabled === 'key' ? 'The API key is disabled' : `The owner ${key.ownerId} is disabled`, key);
    }
    if (check.result === 'EXPIRED') return failure(input, 'EXPIRED', `The API key expired at ${key.expiresAt}`, key);
    if (input.resource !== undefined && input.resource !== key.resourceId) {
      return failure(input, 'WRONG_RESOURCE', `The API key is for ${key.resourceId}, not ${input.resource}`, key);
    }
    // A cloud key is for the management API: it never passes a check on a cluster's resources.
    if (input.action && key.resourceKind === 'cloud') return failure(input, 'WRONG_RESOURCE', 'A cloud API key is for the management API, not for data-plane actions', key);
    const principal = `User:${key.ownerId}`;
    let authorization: { granted: true; reason: string } | undefined;
    let decision: AuthorizationOutcome | undefined;
    if (input.action) {
      const decided = deps.authorizer
        ? deps.authorizer(key, principal, input.action, input.request.clientAddress)
        : { granted: false, reason: 'No authorizer is configured', audit: { granted: false } };
      decision = decided instanceof Promise ? await decided : decided;
      if (!decision.granted) {
        const result: VerifyResult = { valid: false, code: 'FORBIDDEN', reason: decision.reason, key, principal, authorization: { granted: false, reason: decision.reason } };
        audit(input, result, decision);
        return result;
      }
      authorization = { granted: true, reason: decision.reason };
    }
    deps.lastUsed.touch(key.id);
    const result: VerifyResult = { valid: true, code: 'VALID', key, principal, ...(authorization ? { authorization } : {}) };
    audit(input, result, decision);
    return result;
  };
}

export type Verify = ReturnType<typeof createVerifier>;
