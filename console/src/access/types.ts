/** The access-control shapes the console reads (`/iam/v2/role-bindings`, `/kafka/v3/clusters/{id}/acls`). */
import type { AclFields } from './rules';

export interface RoleBinding {
  id: string;
  principal: string;
  role_name: string;
  crn_pattern: string;
  metadata: { created_at: string };
}

export interface KafkaAcl extends AclFields {
  cluster_id: string;
}

export interface AclList {
  data: KafkaAcl[];
}
