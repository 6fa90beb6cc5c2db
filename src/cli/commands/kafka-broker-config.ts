import type { Command } from 'commander';
import { enumOption } from '../flag-values.js';
import { encode, type ApiClient } from '../client.js';
import { notice } from '../output.js';
import { withClient } from './shared.js';
import type { ApiKey, KafkaCluster, RoleBinding, ServiceAccount } from '../../contract/index.js';
import { principalOf } from '../../domain/principal.js';
import { CliError } from '../cli-error.js';

/**
 * `keyward kafka cluster broker-config CLUSTER [-o properties|json]` (DESIGN §2, §8): the broker's own
 * credential — the service account `kafka-broker-<cluster>` (created, or reused), bound to KafkaBroker
 * on the cluster, and a new key of the cluster for it — and the broker properties that use it.
 */

const FORMATS = ['properties', 'json'] as const;
type BrokerConfigFormat = (typeof FORMATS)[number];

export const brokerServiceAccountName = (cluster: string) => `kafka-broker-${cluster}`;

/** The broker properties of DESIGN §8, in its order. */
export function brokerProperties(options: { url: string; cluster: string; key: string; secret: string }): Array<[string, string]> {
  return [
    ['sasl.enabled.mechanisms', 'PLAIN'],
    ['listener.name.sasl_plaintext.plain.sasl.server.callback.handler.class', 'io.keyward.kafka.KeywardPlainCallbackHandler'],
    ['listener.name.sasl_plaintext.plain.sasl.jaas.config', `org.apache.kafka.common.security.plain.PlainLoginModule required username="${options.key}" password="${options.secret}";`],
    ['principal.builder.class', 'io.keyward.kafka.KeywardPrincipalBuilder'],
    ['authorizer.class.name', 'io.keyward.kafka.KeywardAuthorizer'],
    ['connections.max.reauth.ms', '300000'],
    ['keyward.url', options.url],
    ['keyward.cluster.id', options.cluster],
    ['keyward.api.key', options.key],
    ['keyward.api.secret', options.secret],
    ['keyward.replica.max.staleness.ms', '900000'],
  ];
}

async function brokerServiceAccount(client: ApiClient, cluster: string): Promise<ServiceAccount> {
  const name = brokerServiceAccountName(cluster);
  const existing = (await client.listAll<ServiceAccount>('/iam/v2/service-accounts', { display_name: name })).find((sa) => sa.display_name === name);
  if (existing) return existing;
  return client.post<ServiceAccount>('/iam/v2/service-accounts', { display_name: name, description: `Kafka broker of ${cluster} (keyward kafka cluster broker-config)` });
}

async function ensureKafkaBroker(client: ApiClient, principal: string, crnPattern: string): Promise<void> {
  const bindings = await client.listAll<RoleBinding>('/iam/v2/role-bindings', { principal, role_name: 'KafkaBroker' });
  if (bindings.some((b) => b.crn_pattern === crnPattern)) return;
  await client.post('/iam/v2/role-bindings', { principal, role_name: 'KafkaBroker', crn_pattern: crnPattern });
}

export function register(cluster: Command): void {
  cluster
    .command('broker-config <cluster>')
    .description("Create the broker's credential (service account kafka-broker-CLUSTER, KafkaBroker on the cluster, a new key) and print the broker properties")
    .addOption(enumOption('-o, --output <format>', 'output format', FORMATS).default('properties'))
    .action(
      withClient(async (client, id: string, o: { output: BrokerConfigFormat }) => {
        const format = o.output;
        const found = await client.get<KafkaCluster>(`/cmk/v2/clusters/${encode(id)}`);
        const sa = await brokerServiceAccount(client, found.id);
        await ensureKafkaBroker(client, principalOf(sa.id), found.metadata.resource_name);
        const key = await client.post<ApiKey>('/iam/v2/api-keys', {
          spec: { resource: { id: found.id }, owner: { id: sa.id }, display_name: 'kafka-broker', description: `Kafka broker credential of ${found.id}` },
        });
        // a created key's response is the one that holds its secret
        const secret = key.spec.secret;
        if (secret === undefined || secret === '') throw new CliError(`The server created key ${key.id} but sent no secret: delete it (keyward api-key delete ${key.id}) and try again`);
        const properties = brokerProperties({ url: client.url, cluster: found.id, key: key.id, secret });
        if (format === 'json') {
          process.stdout.write(`${JSON.stringify({ ...Object.fromEntries(properties), key: key.id, secret, service_account: sa.id }, null, 2)}\n`);
        } else {
          process.stdout.write(`${properties.map(([name, value]) => `${name}=${value}`).join('\n')}\n`);
        }
        notice('Save the API key and secret. The secret is not retrievable later.');
      }),
    );
}
