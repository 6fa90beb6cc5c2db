/**
 * `GET /keyward/v1/access/check` (would the data plane allow this?): the query and the answer, as
 * TypeBox schemas the server validates and serialises with and the console reads its types from.
 */
import { Type, type Static } from '@sinclair/typebox';

/** The resource types a data-plane action (verify, auth/basic, this check) may name: Kafka's, and SUBJECT on a Schema Registry. */
export const DATA_PLANE_RESOURCE_TYPES = ['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID', 'SUBJECT'] as const;

export const AccessCheckQuerySchema = Type.Object({
  principal: Type.String({ minLength: 1, maxLength: 128, description: '`User:<id>` of a user or service account, e.g. User:sa-abc123' }),
  operation: Type.String({ minLength: 1, maxLength: 32, description: 'A Kafka operation: READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, …' }),
  resource_type: Type.String({ minLength: 1, maxLength: 32, description: `${DATA_PLANE_RESOURCE_TYPES.join(', ')} (SUBJECT on a Schema Registry cluster)` }),
  resource_name: Type.Optional(Type.String({ maxLength: 1024, description: 'The resource; optional for CLUSTER' })),
  cluster: Type.String({ minLength: 1, maxLength: 64, description: 'A Kafka cluster (lkc-…) or a Schema Registry cluster (lsrc-…)' }),
  host: Type.Optional(Type.String({ maxLength: 64, description: 'The client address; without it only ACLs for every host (*) grant, and host-bound DENY ACLs refuse' })),
});

const RoleBindingRule = Type.Object({
  kind: Type.Literal('role-binding'),
  id: Type.String({ description: 'The role binding that grants' }),
  role: Type.String(),
  crn_pattern: Type.String(),
});

const AclRule = Type.Object({
  kind: Type.Literal('acl'),
  principal: Type.String(),
  permission: Type.String({ description: 'ALLOW (it grants) or DENY (it refuses, whatever else grants)' }),
  operation: Type.String(),
  resource_type: Type.String(),
  resource_name: Type.String(),
  pattern_type: Type.String(),
  host: Type.String(),
});

export const ACCESS_CHECK_EXAMPLE = {
  allowed: true,
  reason: 'role binding rb-5kq8vd (DeveloperRead on crn://keyward/organization=…/environment=env-7kq2mz/cloud-cluster=lkc-3xw9pd/kafka=lkc-3xw9pd/topic=orders) grants READ to User:sa-9wt4hq',
  rule: { kind: 'role-binding', id: 'rb-5kq8vd', role: 'DeveloperRead', crn_pattern: 'crn://keyward/organization=…/environment=env-7kq2mz/cloud-cluster=lkc-3xw9pd/kafka=lkc-3xw9pd/topic=orders' },
};

export const AccessCheckSchema = Type.Object(
  {
    allowed: Type.Boolean(),
    reason: Type.String({ description: 'Why, in the words of the data plane' }),
    rule: Type.Union([RoleBindingRule, AclRule, Type.Null()], { description: 'What decided; null when nothing grants' }),
  },
  { examples: [ACCESS_CHECK_EXAMPLE] },
);

export type AccessCheckQuery = Static<typeof AccessCheckQuerySchema>;
export type AccessCheckBody = Static<typeof AccessCheckSchema>;
export type AccessCheckRule = Exclude<AccessCheckBody['rule'], null>;
