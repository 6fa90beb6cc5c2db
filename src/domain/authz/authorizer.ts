/**
 * One authorizer for the management API and the data plane (DESIGN §5).
 *
 * Decision order, Kafka's: a matching DENY ACL wins; else a matching ALLOW ACL or role binding grants;
 * else deny. ACLs only decide Kafka data operations on Kafka resources; role bindings decide both
 * management permissions and data operations, by CRN pattern and the role table.
 *
 *   const authorizer = new AuthorizerIndex({ acls, roleBindings });
 *   const decision = authorizer.authorize({
 *     principal: 'User:sa-abc123',
 *     action: 'READ',
 *     host: '10.0.0.7',
 *     resource: { crn: kafkaResourceCrn({ ... }), kafka: { clusterId: 'lkc-abc123', resourceType: 'TOPIC', name: 'orders' } },
 *   });
 *   if (!decision.granted) audit(decision.reason);
 *
 * `referenceAuthorize(data, request)` is the linear-scan twin the index is tested against.
 */
export { AuthorizerIndex } from './authorizer-index.js';
export { referenceAuthorize } from './reference-authorizer.js';
export type {
  AclRule,
  AuthorizationData,
  AuthorizationDecision,
  AuthorizationRequest,
  KafkaResourceRef,
  RbacRule,
  RoleBinding,
} from './decision.js';
