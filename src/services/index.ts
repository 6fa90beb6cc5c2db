import { createApiKeyService } from './api-keys.js';
import { createClusterService } from './clusters.js';
import type { ServiceDeps } from './context.js';
import { createEnvironmentService } from './environments.js';
import { createManagementAuth } from './management-auth.js';
import { createSessionService } from './sessions.js';
import { createServiceAccountService } from './service-accounts.js';
import { createUserService } from './users.js';
import { KeyCache } from './verify/key-cache.js';
import { BruteForceGuard, type BruteForceOptions } from './verify/brute-force.js';
import { LastUsedRecorder, type LastUsedWrite } from './verify/last-used.js';
import { createVerifier, type DataPlaneAuthorizer } from './verify/verifier.js';
import { createKeyLookup } from './verify/key-record.js';
import { DataPlaneRecorder, type DataPlaneAuditMode } from './audit/data-plane-recorder.js';
import { createVerifyAudit, verifyEventBuilder } from './verify/verify-audit.js';
import { SigningKeyStore } from './oauth/signing-keys.js';
import { createTokenService } from './oauth/token-service.js';
import { createSigningKeyRotation } from './oauth/signing-key-rotation.js';
import { createKeyRotationService } from './key-rotation.js';
import { createAuthz } from './authz/authz-service.js';
import { createRoleBindingService } from './role-bindings.js';
import { createAclService } from './acls.js';
import { createDataPlaneAuthorizer } from './authz/data-plane-authorizer.js';
import { createMetrics } from './metrics.js';
import { createPolicyService } from './policy.js';
import { createAdvisorService } from './advisor.js';
import { createAuditQueryService } from './audit/audit-query.js';
import { createAuditVerifyService } from './audit/audit-verify.js';
import { createAuditCheckpointService } from './audit/audit-checkpoint.js';
import { createSystemService } from './system.js';
import { createLeakService } from './leaks.js';
import { createKafkaBrokerService, type KafkaBrokerOptions } from './kafka/broker-service.js';
import { createBrokerSyncQuery } from './kafka/broker-sync.js';
import { UsageRecorder } from './usage/usage-recorder.js';
import { createUsageService } from './usage/usage-service.js';
import { createUsageSummary } from './usage/usage-summary.js';
import { createAccessCheck } from './access-check.js';

export interface DataPlaneOptions {
  cacheCapacity?: number;
  bruteForce?: BruteForceOptions;
  authorizer?: DataPlaneAuthorizer;
  /** False while cross-instance invalidation is down. */
  cacheTrusted?: () => boolean;
  /** Which data-plane authentications are audited: all (default, successes aggregated), every, failures, or off. */
  audit?: DataPlaneAuditMode;
  /** The aggregation window of mode all (default 60 s). */
  auditWindowMs?: number;
  /** The data plane's clock in ms since the epoch (default Date.now; tests pass their clock's). */
  now?: () => number;
  /** Writes last_used off the event loop (SQLite: the store's batch writer thread); default on the store's connection. */
  lastUsedWrite?: LastUsedWrite;
  /** The Kafka broker plugin's side: change streams and the change log's retention. */
  kafkaBroker?: KafkaBrokerOptions;
}

export interface OAuthOptions {
  /** `iss` of issued tokens: the server's public URL. */
  issuer: string;
  /** Token lifetime in seconds (default 900). */
  ttlSeconds?: number;
  /** When set, signing keys are stored encrypted under it. */
  masterKey?: string;
}

/** Builds every service; each factory takes only the dependencies it uses. */
export function createServices(base: Omit<ServiceDeps, 'authz'>, dataPlane: DataPlaneOptions = {}, oauth: OAuthOptions = { issuer: 'http://127.0.0.1:8090' }) {
  const authz = createAuthz({ db: base.db, changes: base.changes, trusted: dataPlane.cacheTrusted });
  const deps: ServiceDeps = { ...base, authz };
  const apiKeys = createApiKeyService(deps);
  // per-key usage: the recorder is the data plane's UsageSink; query reads it back (usage-service.ts)
  const usage = { recorder: new UsageRecorder(deps.db), query: createUsageService(deps, apiKeys) };
  const keyCache = new KeyCache(dataPlane.cacheCapacity);
  const unfollow = keyCache.follow(deps.changes);
  const lastUsed = new LastUsedRecorder(deps.db, { now: dataPlane.now, write: dataPlane.lastUsedWrite });
  const guard = new BruteForceGuard(dataPlane.bruteForce);
  const metrics = createMetrics(keyCache);
  // attached to the audit log: its flush() and close() seal the open windows
  const recorder = new DataPlaneRecorder({
    audit: deps.audit, build: verifyEventBuilder(deps.organizationId), mode: dataPlane.audit, windowMs: dataPlane.auditWindowMs, usage: usage.recorder, now: dataPlane.now,
  });
  const verify = createVerifier({
    lookup: createKeyLookup(deps.db), organizationId: deps.organizationId, clock: deps.clock, cache: keyCache, guard, lastUsed,
    audit: createVerifyAudit({ organizationId: deps.organizationId, recorder, audit: deps.audit }),
    authorizer: dataPlane.authorizer ?? createDataPlaneAuthorizer(authz, deps.organizationId), cacheTrusted: dataPlane.cacheTrusted,
    onResult: metrics.authenticated,
  });
  const ttlSeconds = oauth.ttlSeconds ?? 900;
  const authenticate = createManagementAuth(verify);
  const kafkaClusters = createClusterService(deps, 'kafka');
  const kafkaBroker = createKafkaBrokerService(deps, { verify, lastUsed, auditMode: dataPlane.audit, usage: usage.recorder }, dataPlane.kafkaBroker);
  const signingKeys = new SigningKeyStore({ db: deps.db, clock: deps.clock, changes: deps.changes, masterKey: oauth.masterKey, tokenTtlSeconds: ttlSeconds });
  return {
    organizationId: deps.organizationId,
    /** The audit log's readers: list and export, chain verification, checkpoints. */
    auditLog: { query: createAuditQueryService(deps), verifier: createAuditVerifyService(deps), checkpoints: createAuditCheckpointService(deps) },
    /** Readiness and whoami's questions to the store. */
    system: createSystemService(deps),
    verify,
    oauth: {
      issuer: oauth.issuer,
      ttlSeconds,
      signingKeys,
      issueToken: createTokenService({ verify, keys: signingKeys, issuer: oauth.issuer, ttlSeconds, clock: deps.clock }),
      rotateSigningKey: createSigningKeyRotation(deps, signingKeys),
    },
    keyCache,
    metrics,
    authenticate,
    /** The web console's sessions (`/keyward/v1/sessions`), an alternative to HTTP Basic. */
    sessions: createSessionService({ db: deps.db, clock: deps.clock, audit: deps.audit, changes: deps.changes, organizationId: deps.organizationId, authenticate, lookup: createKeyLookup(deps.db), touchLastUsed: (id) => lastUsed.touch(id) }),
    environments: createEnvironmentService(deps),
    kafkaClusters,
    schemaRegistries: createClusterService(deps, 'schema-registry'),
    users: createUserService(deps, apiKeys),
    serviceAccounts: createServiceAccountService(deps),
    apiKeys,
    authz,
    roleBindings: createRoleBindingService(deps),
    acls: createAclService(deps),
    keyRotation: createKeyRotationService(deps, apiKeys),
    policy: createPolicyService(deps),
    advisor: createAdvisorService(deps),
    leaks: createLeakService(deps, apiKeys),
    kafkaBroker,
    /** The brokers' sync state of a Kafka cluster (`GET /keyward/v1/kafka/clusters/{id}/brokers`). */
    kafkaBrokerSync: createBrokerSyncQuery({ db: deps.db, clock: deps.clock, clusters: kafkaClusters }, dataPlane.kafkaBroker?.sync),
    /** Per-key usage: the recorder (the data plane's usage sink) and the query service. */
    usage,
    /** The organization's usage, and each readable key's (`GET /keyward/v1/usage`). */
    usageSummary: createUsageSummary(deps, apiKeys),
    /** Would the data plane allow this? (`GET /keyward/v1/access/check`; not audited) */
    accessCheck: createAccessCheck(deps),
    /** Seals the open audit windows, writes what is buffered (last use) and stops following changes. */
    async close() {
      recorder.close();
      await kafkaBroker.close();
      unfollow();
      authz.close();
      signingKeys.close();
      await lastUsed.close();
      await usage.recorder.close();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
