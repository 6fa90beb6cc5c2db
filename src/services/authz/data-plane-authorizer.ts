import { buildCrn } from '../../domain/crn.js';
import { CLUSTER_RESOURCE_NAME, isKafkaOperation, isKafkaResourceType } from '../../domain/authz/acl.js';
import { kafkaResourceCrn } from '../../domain/authz/crn-pattern.js';
import type { AuthorizerIndex } from '../../domain/authz/authorizer-index.js';
import { EvictionCursor } from '../eviction-cursor.js';
import type { AuthorizationDecision, AuthorizationRequest } from '../../domain/authz/decision.js';
import { errors } from '../../domain/errors.js';
import type { Action, AuthorizationOutcome, DataPlaneAuthorizer } from '../verify/verifier.js';
import type { KeyRecord } from '../verify/key-record.js';
import type { Authz } from './authz-service.js';
import { DATA_PLANE_RESOURCE_TYPES } from '../../contract/access-check.js';

/** Normalises and checks an action of a verify or auth/basic request; throws 400 on a bad one. */
export function parseAction(action: Action): Action {
  const operation = action.operation.trim().toUpperCase();
  const resourceType = action.resource_type.trim().toUpperCase();
  if (!isKafkaOperation(operation)) throw errors.badRequest(`invalid operation value: ${action.operation}`);
  if (!(DATA_PLANE_RESOURCE_TYPES as readonly string[]).includes(resourceType)) {
    throw errors.badRequest(`invalid resource type value: ${action.resource_type}; valid values are ${DATA_PLANE_RESOURCE_TYPES.join(', ')}`);
  }
  const name = resourceType === 'CLUSTER' && action.resource_name === '' ? CLUSTER_RESOURCE_NAME : action.resource_name;
  if (name === '') throw errors.badRequest('resource_name is required');
  return { operation, resource_type: resourceType, resource_name: name };
}

/** The request the authorizer decides for an action on the key's own resource. */
export function actionRequest(organizationId: string, key: Pick<KeyRecord, 'resourceKind' | 'resourceId' | 'environment'>, principal: string, action: Action, host?: string): AuthorizationRequest | string {
  if (key.environment === null) return 'actions apply to keys of Kafka and Schema Registry clusters, not to cloud keys';
  const operation = action.operation as AuthorizationRequest['action'];
  if (key.resourceKind === 'kafka') {
    if (!isKafkaResourceType(action.resource_type)) return `resource type ${action.resource_type} is not a Kafka resource`;
    const resourceType = action.resource_type;
    return {
      principal,
      action: operation,
      host,
      resource: {
        crn: kafkaResourceCrn({ organization: organizationId, environment: key.environment, clusterId: key.resourceId, resourceType, name: action.resource_name }),
        kafka: { clusterId: key.resourceId, resourceType, name: action.resource_name },
      },
    };
  }
  if (action.resource_type !== 'SUBJECT') return 'a Schema Registry key authorizes SUBJECT actions only';
  return {
    principal,
    action: operation,
    host,
    resource: { crn: buildCrn({ organization: organizationId, environment: key.environment, schemaRegistry: key.resourceId, leaf: { type: 'subject', name: action.resource_name } }) },
  };
}

/** The `authorizationInfo` of an audit event: the action and the rule that decided (§4). */
export function authorizationInfo(action: Action, decision: AuthorizationDecision): Record<string, unknown> {
  const info: Record<string, unknown> = {
    granted: decision.granted,
    operation: action.operation,
    resourceType: action.resource_type,
    resourceName: action.resource_name,
  };
  const rule = decision.rule;
  if (rule?.kind === 'rbac') {
    info.patternType = rule.crnPattern.endsWith('*') ? 'PREFIXED' : 'LITERAL';
    info.rbacAuthorization = { role: rule.role, crnPattern: rule.crnPattern };
  } else if (rule?.kind === 'acl') {
    info.patternType = rule.acl.pattern_type;
    info.aclAuthorization = {
      permissionType: rule.acl.permission,
      operation: rule.acl.operation,
      resourceType: rule.acl.resource_type,
      resourceName: rule.acl.resource_name,
      patternType: rule.acl.pattern_type,
      host: rule.acl.host,
    };
  }
  return info;
}

/** Most decisions the data-plane authorizer remembers for one index; past it the oldest is forgotten. */
export const DECISION_CACHE_SIZE = 10_000;

/**
 * Everything a data-plane decision depends on besides the index, encoded without ambiguity: each
 * field but the last is preceded by its length (none of them is free text but the resource name).
 * `anyHost`: the index decides alike for every client address, which is then left out.
 */
function decisionKey(key: KeyRecord, principal: string, action: Action, host: string | undefined, anyHost: boolean): string {
  const environment = key.environment === null ? '-' : `${key.environment.length}:${key.environment}`;
  const address = anyHost ? '*' : host === undefined ? '-' : `${host.length}:${host}`;
  return `${key.resourceKind}|${environment}|${key.resourceId.length}:${key.resourceId}|${principal.length}:${principal}|${address}|${action.operation.length}:${action.operation}|${action.resource_type.length}:${action.resource_type}|${action.resource_name}`;
}

/** A shared outcome, read-only all the way down: no request can change what another one is told. */
function frozen(outcome: AuthorizationOutcome): AuthorizationOutcome {
  for (const value of Object.values(outcome.audit)) if (typeof value === 'object' && value !== null) Object.freeze(value);
  Object.freeze(outcome.audit);
  return Object.freeze(outcome);
}

/**
 * The data plane's authorizer. While the index is warm and trusted, a decision is computed once per
 * (key's resource, principal, client address, action) and index, and once for all addresses when no
 * ACL of the index is bound to a host: the outcome, its reason and its
 * audit `authorizationInfo` are shared by every request asking the same thing again, and dropped with
 * the index on the next grants change (a new DENY ACL refuses the very next request). Without a
 * trusted index every request is decided afresh.
 */
export function createDataPlaneAuthorizer(authz: Pick<Authz, 'warm' | 'anyHost' | 'decideNow'>, organizationId: string, cacheSize = DECISION_CACHE_SIZE): DataPlaneAuthorizer {
  const outcome = (action: Action, decision: AuthorizationDecision): AuthorizationOutcome => ({ granted: decision.granted, reason: decision.reason, audit: authorizationInfo(action, decision) });
  const refused = (action: Action, reason: string): AuthorizationOutcome => ({
    granted: false,
    reason,
    audit: { granted: false, operation: action.operation, resourceType: action.resource_type, resourceName: action.resource_name },
  });
  let cachedFor: AuthorizerIndex | undefined;
  /** The index has no host-bound ACL: one decision serves every client address. */
  let anyHost = false;
  const decisions = new Map<string, AuthorizationOutcome>();
  const oldest = new EvictionCursor(decisions);
  const forget = () => {
    decisions.clear();
    oldest.reset();
  };

  return (key, principal, action, host) => {
    const index = authz.warm();
    if (index === undefined) {
      if (cachedFor !== undefined) {
        // the index was dropped: let go of it and its decisions now, not when the next one is warm
        forget();
        cachedFor = undefined;
      }
      const request = actionRequest(organizationId, key, principal, action, host);
      if (typeof request === 'string') return refused(action, request);
      const decision = authz.decideNow(request);
      return decision instanceof Promise ? decision.then((d) => outcome(action, d)) : outcome(action, decision);
    }
    if (index !== cachedFor) {
      forget();
      cachedFor = index;
      anyHost = authz.anyHost(index);
    }
    const cacheKey = decisionKey(key, principal, action, host, anyHost);
    const known = decisions.get(cacheKey);
    if (known !== undefined) return known;
    const request = actionRequest(organizationId, key, principal, action, host);
    const decided = typeof request === 'string' ? refused(action, request) : outcome(action, index.authorize(request));
    if (decisions.size >= cacheSize) decisions.delete(oldest.oldest() as string);
    decisions.set(cacheKey, frozen(decided));
    return decided;
  };
}
