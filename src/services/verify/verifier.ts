import { ID_PATTERNS } from '../../domain/ids.js';
import { checkKeyDigest, checkKeyState, type KeyCheck } from '../../domain/kafka/login-check.js';
import { digestsEqual, hashSecret } from '../../domain/secrets.js';
import type { RequestMetadata } from '../context.js';
import type { BruteForceGuard } from './brute-force.js';
import type { KeyCache } from './key-cache.js';
import { sameKeyRecord, type KeyLookup, type KeyRecord } from './key-record.js';
import type { LastUsedRecorder } from './last-used.js';
import type { VerifyAudit } from './verify-audit.js';
import type { VerificationFailureCode as FailureCode } from '../../contract/verification-codes.js';
import { principalOf } from '../../domain/principal.js';

export type { FailureCode };

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

export type Mechanism = 'VERIFY_API' | 'HTTP_BASIC' | 'OAUTH2_CLIENT_CREDENTIALS' | 'CONSOLE_SESSION';

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
  /** Reads a key's record from the store (key-record.ts: synchronous on SQLite). */
  lookup: KeyLookup;
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

/** The principal a key authenticates as. */
function keyPrincipal(key: KeyRecord): string {
  return principalOf(key.ownerId);
}

export function createVerifier(deps: VerifierDeps) {
  const trusted = deps.cacheTrusted ?? (() => true);

  /** The cached record when there is one (undefined: not cached or the cache is not trusted now). */
  function cached(id: string): KeyRecord | undefined {
    return trusted() ? deps.cache.get(id) : undefined;
  }

  /**
   * One read of the store, without a promise when the lookup has none (SQLite); the record is cached
   * for the next request unless the cache already holds it unchanged (then a wrong secret for a
   * cached key does no more work than one for an unknown id).
   */
  function load(id: string, cachedRecord: KeyRecord | undefined): KeyRecord | undefined | Promise<KeyRecord | undefined> {
    const generation = deps.cache.generation;
    const fill = (record: KeyRecord | undefined) => {
      if (record && !(cachedRecord && sameKeyRecord(cachedRecord, record)) && trusted() && deps.cache.generation === generation) deps.cache.set(id, record);
      return record;
    };
    let found: ReturnType<KeyLookup>;
    try {
      found = deps.lookup(id);
    } catch (error) {
      // a store that cannot be read fails as a rejection, whether its lookup is synchronous or not
      return Promise.reject(error as Error);
    }
    return found instanceof Promise ? found.then(fill) : fill(found);
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
    const result: VerifyResult = key ? { valid: false, code, reason, key, principal: keyPrincipal(key) } : { valid: false, code, reason };
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
  function checkCredentials(input: VerifyRequest, presented: string): VerifyResult | Promise<VerifyResult> {
    const id = input.key;
    const wellFormed = KEY_ID.test(id);
    const hit = wellFormed ? cached(id) : undefined;
    // A cached match is decided without a promise: nothing on that path waits for anything.
    if (hit && digestsEqual(presented, hit.secretHash)) return decide(input, hit, checkKeyState(hit, deps.clock));
    if (!wellFormed) return decide(input, undefined, checkKeyDigest(undefined, presented, deps.clock));
    const loaded = load(id, hit);
    return loaded instanceof Promise ? loaded.then((key) => decide(input, key, checkKeyDigest(key, presented, deps.clock))) : decide(input, loaded, checkKeyDigest(loaded, presented, deps.clock));
  }

  /** The checks after the credentials', in their fixed order: key and owner status, expiry, resource, action. */
  function decide(input: VerifyRequest, key: KeyRecord | undefined, check: KeyCheck): VerifyResult | Promise<VerifyResult> {
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
    if (!input.action) return success(input, key, undefined);
    const decided = deps.authorizer
      ? deps.authorizer(key, keyPrincipal(key), input.action, input.request.clientAddress)
      : { granted: false, reason: 'No authorizer is configured', audit: { granted: false } };
    return decided instanceof Promise ? decided.then((decision) => authorized(input, key, decision)) : authorized(input, key, decided);
  }

  function authorized(input: VerifyRequest, key: KeyRecord, decision: AuthorizationOutcome): VerifyResult {
    if (!decision.granted) {
      const result: VerifyResult = { valid: false, code: 'FORBIDDEN', reason: decision.reason, key, principal: keyPrincipal(key), authorization: { granted: false, reason: decision.reason } };
      audit(input, result, decision);
      return result;
    }
    return success(input, key, decision);
  }

  function success(input: VerifyRequest, key: KeyRecord, decision: AuthorizationOutcome | undefined): VerifyResult {
    deps.lastUsed.touch(key.id);
    const principal = keyPrincipal(key);
    const result: VerifyResult = decision ? { valid: true, code: 'VALID', key, principal, authorization: { granted: true, reason: decision.reason } } : { valid: true, code: 'VALID', key, principal };
    audit(input, result, decision);
    return result;
  }

  /**
   * The checks, in one fixed order: rate limit (of this client address), credentials, key and
   * owner status, expiry (these four in `checkKeyDigest`, shared with the Kafka broker plugin), resource, action.
   * A result, or a promise of one when the store or the authorizer has to be waited for (a cached key
   * without an action is answered at once); it never rejects for a failed check.
   */
  return function verify(input: VerifyRequest): VerifyResult | Promise<VerifyResult> {
    const blockedMs = deps.guard.blockedFor(input.key, input.request.clientAddress);
    if (blockedMs > 0) {
      const result: VerifyResult = { valid: false, code: 'RATE_LIMITED', reason: 'Too many failed attempts; try again later', retryAfterSeconds: Math.ceil(blockedMs / 1000) };
      audit(input, result, undefined, KEY_ID.test(input.key) ? cached(input.key) : undefined);
      return result;
    }
    return checkCredentials(input, hashSecret(input.secret));
  };
}

export type Verify = ReturnType<typeof createVerifier>;
