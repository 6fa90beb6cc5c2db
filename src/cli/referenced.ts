/**
 * A list filter that names an object (`--service-account sa-…`, `--resource lkc-…`, `--environment env-…`)
 * must name one that exists: otherwise "None found." would hide a typo. One GET before the list answers
 * it; the server's 404 (`Service account "sa-nope00" not found`) becomes the CLI's error, exit 1.
 *
 * Filters on principals (`--principal`, the ACL `--service-account`) and on keys in the audit log are not
 * checked: a deleted principal's grants (orphans, reported by the advisor) and a deleted key's events
 * must still be found.
 */
import { encode, type ApiClient } from './client.js';
import { ID_PATTERNS } from '../contract/ids.js';

const PATHS = {
  environment: '/org/v2/environments/',
  kafkaCluster: '/cmk/v2/clusters/',
  schemaRegistry: '/srcm/v2/clusters/',
  serviceAccount: '/iam/v2/service-accounts/',
  user: '/iam/v2/users/',
} as const;

export type ReferencedKind = keyof typeof PATHS;

/** Fails (exit 1, naming the object) unless the object exists and the caller may see it. */
export async function requireExisting(client: ApiClient, kind: ReferencedKind, id: string): Promise<void> {
  await client.get(PATHS[kind] + encode(id));
}

/** As `requireExisting` for an API key's `--resource`: a Kafka or Schema Registry cluster id, or `cloud` (always there). */
export async function requireExistingResource(client: ApiClient, resource: string): Promise<void> {
  if (ID_PATTERNS.kafkaCluster.test(resource)) await requireExisting(client, 'kafkaCluster', resource);
  else if (ID_PATTERNS.schemaRegistry.test(resource)) await requireExisting(client, 'schemaRegistry', resource);
}
