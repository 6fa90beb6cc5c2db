import { buildCrn } from '../../domain/crn.js';
import { CLUSTER_RESOURCE_NAME, isKafkaOperation, isKafkaResourceType } from '../../domain/authz/acl.js';
import { kafkaResourceCrn } from '../../domain/authz/crn-pattern.js';
import type { AuthorizationDecision, AuthorizationRequest } from '../../domain/authz/decision.js';
import { errors } from '../../domain/errors.js';
import type { Action, AuthorizationOutcome, DataPlaneAuthorizer } from '../verify/verifier.js';
import type { KeyRecord } from '../verify/key-record.js';
import type { Authz } from './authz-service.js';

export const DATA_PLANE_RESOURCE_TYPES = ['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID', 'SUBJECT'] as const;

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
export function actionRequest(organizationId: string, key: KeyRecord, principal: string, action: Action, host?: string): AuthorizationRequest | string {
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

export function createDataPlaneAuthorizer(authz: Authz, organizationId: string): DataPlaneAuthorizer {
  const outcome = (action: Action, decision: AuthorizationDecision): AuthorizationOutcome => ({ granted: decision.granted, reason: decision.reason, audit: authorizationInfo(action, decision) });
  return (key, principal, action, host) => {
    const request = actionRequest(organizationId, key, principal, action, host);
    if (typeof request === 'string') return { granted: false, reason: request, audit: { granted: false, operation: action.operation, resourceType: action.resource_type, resourceName: action.resource_name } };
    const decision = authz.decideNow(request);
    return decision instanceof Promise ? decision.then((d) => outcome(action, d)) : outcome(action, decision);
  };
}
