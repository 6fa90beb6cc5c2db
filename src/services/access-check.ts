import type { AuthorizationDecision } from '../domain/authz/decision.js';
import { clustersRepo } from '../store/repositories/clusters.js';
import { visibleOrNotFound } from './access.js';
import { actionRequest, parseAction } from './authz/data-plane-authorizer.js';
import { clusterCrn } from './clusters.js';
import type { CallContext, ServiceDeps } from './context.js';
import { requireExistingPrincipal } from './role-bindings.js';

export interface AccessCheckInput {
  /** `User:<id>` of an existing user or service account. */
  principal: string;
  operation: string;
  resourceType: string;
  /** Optional for CLUSTER (the cluster's own name, `kafka-cluster`). */
  resourceName?: string;
  /** A Kafka cluster (`lkc-…`) or a Schema Registry cluster (`lsrc-…`, SUBJECT only). */
  cluster: string;
  /** The client's address; without it only ACLs for every host grant, and DENY ACLs refuse whatever their host (as the data plane does for an unknown address). */
  host?: string;
}

/** What decided: the role binding that grants, or the ACL that grants or denies. */
export type AccessRule =
  | { kind: 'role-binding'; id: string; role: string; crn_pattern: string }
  | { kind: 'acl'; principal: string; permission: string; operation: string; resource_type: string; resource_name: string; pattern_type: string; host: string };

export interface AccessCheckResult {
  allowed: boolean;
  reason: string;
  /** Null when nothing matched (nothing grants) or the action does not apply to the cluster. */
  rule: AccessRule | null;
}

function ruleOf(decision: AuthorizationDecision): AccessRule | null {
  const rule = decision.rule;
  if (rule === undefined) return null;
  if (rule.kind === 'rbac') return { kind: 'role-binding', id: rule.bindingId, role: rule.role, crn_pattern: rule.crnPattern };
  const { acl } = rule;
  return {
    kind: 'acl', principal: acl.principal, permission: acl.permission, operation: acl.operation,
    resource_type: acl.resource_type, resource_name: acl.resource_name, pattern_type: acl.pattern_type, host: acl.host,
  };
}

/**
 * `GET /keyward/v1/access/check`: would the data plane let this principal do this on this cluster?
 * Answered by the one authorizer with the request the data plane builds for a key of that cluster
 * (actionRequest), so the answer and its reason are the data plane's. A what-if question: it reads
 * grants and is not audited as an authorization. The caller needs what reading the cluster's role
 * bindings and ACLs needs: `cluster:read` (else 404, as for a cluster that does not exist), then
 * `role-binding:read` and, on a Kafka cluster, `acl:read` (else 403).
 */
export function createAccessCheck(deps: Pick<ServiceDeps, 'db' | 'authz' | 'organizationId'>) {
  return {
    async check(ctx: CallContext, input: AccessCheckInput): Promise<AccessCheckResult> {
      const action = parseAction({ operation: input.operation, resource_type: input.resourceType, resource_name: input.resourceName ?? '' });
      const what = input.cluster.startsWith('lsrc-') ? 'Schema Registry cluster' : 'Kafka cluster';
      const cluster = await visibleOrNotFound(await clustersRepo.find(deps.db, input.cluster), (row) => deps.authz.can(ctx, 'cluster:read', clusterCrn(deps.organizationId, row)), what, input.cluster);
      const crn = clusterCrn(deps.organizationId, cluster);
      await deps.authz.require(ctx, 'role-binding:read', crn);
      if (cluster.kind === 'kafka') await deps.authz.require(ctx, 'acl:read', crn);
      // asked only of a caller with that authority: nobody else learns which principals exist
      const principal = await requireExistingPrincipal(deps.db, input.principal);
      const host = input.host?.trim() || undefined;
      const request = actionRequest(deps.organizationId, { resourceKind: cluster.kind, resourceId: cluster.id, environment: cluster.environment_id }, principal, action, host);
      // an action the cluster has no such resource for: the data plane refuses it with this reason
      if (typeof request === 'string') return { allowed: false, reason: request, rule: null };
      const decision = await deps.authz.decide(request);
      return { allowed: decision.granted, reason: decision.reason, rule: ruleOf(decision) };
    },
  };
}

export type AccessCheckService = ReturnType<typeof createAccessCheck>;
