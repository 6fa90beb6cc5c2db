import { useLocation } from 'preact-iso';
import { api } from '../api';
import type { AccessCluster } from '../access/scope';
import { Field, Select } from '../components/field';
import { EmptyState, ErrorNotice, Loading } from '../components/notice';
import { Page } from '../components/page';
import type { PrincipalOption } from '../components/principal-input';
import { useResource } from '../hooks/use-resource';
import type { KafkaCluster, SchemaRegistryCluster, ServiceAccount, User } from '../keys/types';
import { paths } from '../routes';
import { AclsPanel } from './access-acls';
import { RoleBindingsPanel } from './access-bindings';
import { AccessCheckPanel } from './access-check';
import { principalOf } from '../../../src/contract/index';

interface AccessContext {
  organization: string;
  clusters: AccessCluster[];
  principals: PrincipalOption[];
}

/** A list the caller may not read gives no suggestions rather than an error. */
async function orEmpty<T>(load: Promise<T[]>): Promise<T[]> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    return [];
  }
}

async function loadContext(signal: AbortSignal): Promise<AccessContext> {
  const [whoami, kafka, registries, accounts, users] = await Promise.all([
    api.get<{ organization: string }>('/keyward/v1/whoami', undefined, signal),
    orEmpty(api.listAll<KafkaCluster>('/cmk/v2/clusters', {}, signal)),
    orEmpty(api.listAll<SchemaRegistryCluster>('/srcm/v2/clusters', {}, signal)),
    orEmpty(api.listAll<ServiceAccount>('/iam/v2/service-accounts', {}, signal)),
    orEmpty(api.listAll<User>('/iam/v2/users', {}, signal)),
  ]);
  return {
    organization: whoami.organization,
    clusters: [
      ...kafka.map((c) => ({ id: c.id, name: c.spec.display_name, kind: 'kafka' as const, environment: c.spec.environment.id })),
      ...registries.map((c) => ({ id: c.id, name: c.spec.display_name, kind: 'schema-registry' as const, environment: c.spec.environment.id })),
    ],
    principals: [
      ...accounts.map((sa) => ({ principal: principalOf(sa.id), label: `${sa.display_name} (service account)` })),
      ...users.map((u) => ({ principal: principalOf(u.id), label: `${u.full_name || u.email} (user)` })),
    ],
  };
}

const clusterLabel = (c: AccessCluster) => `${c.name} (${c.id}, ${c.kind === 'kafka' ? 'Kafka' : 'Schema Registry'})`;

/**
 * /console/access?cluster=ID — a cluster's role bindings and ACLs with create and delete, and
 * "Check access", which asks the data plane's authorizer and names the deciding rule.
 */
export function AccessPage() {
  const location = useLocation();
  const context = useResource(loadContext, []);
  const clusters = context.data?.clusters ?? [];
  const chosen = clusters.find((c) => c.id === location.query.cluster) ?? clusters[0];

  return (
    <Page title="Access" description="Who may do what on a cluster: its role bindings and ACLs, and the answer of the authorizer the data plane uses.">
      <ErrorNotice error={context.error} title="Access cannot be read" />
      {context.data === undefined ? (
        context.loading && <Loading />
      ) : chosen === undefined ? (
        <EmptyState>There is no Kafka or Schema Registry cluster yet (create one with keyward kafka cluster create).</EmptyState>
      ) : (
        <>
          <div class="filters access-filters">
            <Field label="Cluster" id="access-cluster">
              <Select
                id="access-cluster"
                value={chosen.id}
                options={clusters.map((c) => ({ value: c.id, label: clusterLabel(c) }))}
                onChange={(id) => id !== '' && location.route(`${paths.access}?cluster=${encodeURIComponent(id)}`, true)}
              />
            </Field>
          </div>
          <AccessCheckPanel key={`check-${chosen.id}`} cluster={chosen} principals={context.data.principals} />
          <RoleBindingsPanel key={`rb-${chosen.id}`} organization={context.data.organization} cluster={chosen} principals={context.data.principals} />
          {chosen.kind === 'kafka' ? (
            <AclsPanel key={`acl-${chosen.id}`} cluster={chosen} principals={context.data.principals} />
          ) : (
            <p class="muted">Schema Registry clusters have no ACLs: access to their subjects comes from role bindings.</p>
          )}
        </>
      )}
    </Page>
  );
}
