/** The access-control shapes the console reads (`/iam/v2/role-bindings`, `/kafka/v3/clusters/{id}/acls`), from the contract. */
import type { Acl, RoleBinding } from '../../../src/contract/schemas/index';

export type { RoleBinding };

export type KafkaAcl = Acl;

export interface AclList {
  data: KafkaAcl[];
}
