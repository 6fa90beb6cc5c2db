/** Role bindings (`/iam/v2/role-bindings`) and Kafka ACLs (`/kafka/v3/clusters/{id}/acls`), Confluent-shaped. */
import { Type, type Static } from '@sinclair/typebox';
import { ListQuery } from './common.js';

export const RoleBindingBody = Type.Object({ principal: Type.String({ maxLength: 64 }), role_name: Type.String({ maxLength: 64 }), crn_pattern: Type.String({ maxLength: 512 }) });
export type RoleBindingBody = Static<typeof RoleBindingBody>;

export const RoleBinding = Type.Object({
  api_version: Type.String(),
  kind: Type.String(),
  id: Type.String(),
  metadata: Type.Object({ self: Type.String(), resource_name: Type.String(), created_at: Type.String() }),
  principal: Type.String(),
  role_name: Type.String(),
  crn_pattern: Type.String(),
});
export type RoleBinding = Static<typeof RoleBinding>;

export const RoleBindingQuery = Type.Composite([
  ListQuery,
  Type.Object({ principal: Type.Optional(Type.String({ maxLength: 64 })), role_name: Type.Optional(Type.String({ maxLength: 64 })), crn_pattern: Type.Optional(Type.String({ maxLength: 512 })) }),
]);
export type RoleBindingQuery = Static<typeof RoleBindingQuery>;

const AclFields = {
  resource_type: Type.String({ maxLength: 32 }),
  resource_name: Type.String({ maxLength: 255 }),
  pattern_type: Type.Optional(Type.String({ maxLength: 16 })),
  principal: Type.String({ maxLength: 64 }),
  host: Type.Optional(Type.String({ maxLength: 64 })),
  operation: Type.String({ maxLength: 32 }),
  permission: Type.String({ maxLength: 8 }),
};
export const AclInput = Type.Object(AclFields);
export type AclInput = Static<typeof AclInput>;
/** One ACL or up to 100 of them. */
export const AclBody = Type.Union([Type.Object(AclFields), Type.Array(Type.Object(AclFields), { minItems: 1, maxItems: 100 })]);
export type AclBody = Static<typeof AclBody>;

export const Acl = Type.Object({
  kind: Type.String(),
  cluster_id: Type.String(),
  resource_type: Type.String(),
  resource_name: Type.String(),
  pattern_type: Type.String(),
  principal: Type.String(),
  host: Type.String(),
  operation: Type.String(),
  permission: Type.String(),
});
export type Acl = Static<typeof Acl>;

export const AclList = Type.Object({ kind: Type.String(), metadata: Type.Object({ self: Type.String() }), data: Type.Array(Acl) });
export type AclList = Static<typeof AclList>;

export const AclQuery = Type.Object({
  resource_type: Type.Optional(Type.String({ maxLength: 32 })),
  resource_name: Type.Optional(Type.String({ maxLength: 255 })),
  pattern_type: Type.Optional(Type.String({ maxLength: 16 })),
  principal: Type.Optional(Type.String({ maxLength: 64 })),
  host: Type.Optional(Type.String({ maxLength: 64 })),
  operation: Type.Optional(Type.String({ maxLength: 32 })),
  permission: Type.Optional(Type.String({ maxLength: 8 })),
});
export type AclQuery = Static<typeof AclQuery>;

export const ClusterIdParams = Type.Object({ cluster_id: Type.String({ maxLength: 32 }) });
