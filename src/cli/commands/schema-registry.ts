import type { Command } from 'commander';
import { encode } from '../client.js';
import { done, printList, printObject, withListOutput, withOutput, type Column, type ListOutputOptions, type OutputOptions } from '../output.js';
import { confirm } from '../prompt.js';
import { countsLine, environmentOf, forceOption, withClient } from './shared.js';
import { enumOption, idOfKindOption } from '../flag-values.js';
import { PROVIDERS } from '../../contract/enums.js';
import type { SchemaRegistryCluster } from '../../contract/index.js';

const flat = (c: SchemaRegistryCluster) => ({
  id: c.id,
  name: c.spec.display_name,
  provider: c.spec.cloud.toLowerCase(),
  region: c.spec.region,
  endpoint: c.spec.http_endpoint ?? '',
  status: c.status.phase,
  environment: c.spec.environment.id,
});
const columns: Column<SchemaRegistryCluster>[] = [
  ['ID', (c) => c.id, { priority: 0, kind: 'id' }],
  ['Name', (c) => c.spec.display_name, { priority: 1 }],
  ['Provider', (c) => c.spec.cloud.toLowerCase(), { priority: 3, kind: 'id' }],
  ['Region', (c) => c.spec.region, { priority: 4, kind: 'id' }],
  ['Endpoint', (c) => c.spec.http_endpoint ?? '', { priority: 6 }],
  ['Status', (c) => c.status.phase, { priority: 2, kind: 'status' }],
  ['Environment', (c) => c.spec.environment.id, { priority: 5, kind: 'id' }],
];

export function register(program: Command): void {
  const sr = program.command('schema-registry').description('Manage Schema Registry clusters');
  const cluster = sr.command('cluster').description('Manage Schema Registry clusters registered with keyward');

  withOutput(
    cluster
      .command('create <name>')
      .description('Register a Schema Registry cluster')
      .addOption(enumOption('--cloud <cloud>', 'cloud provider', PROVIDERS).makeOptionMandatory())
      .requiredOption('--region <region>', 'cloud region')
      .option('--endpoint <url>', 'the HTTP endpoint')
      .addOption(idOfKindOption('--environment <env>', 'environment id (default: the current environment)', 'environment')),
  ).action(
    withClient(async (client, name: string, o: { cloud: string; region: string; endpoint?: string; environment?: string } & OutputOptions) => {
      const env = environmentOf(client, o.environment);
      const created = await client.post<SchemaRegistryCluster>('/srcm/v2/clusters', {
        spec: { display_name: name, cloud: o.cloud, region: o.region, http_endpoint: o.endpoint, environment: env ? { id: env } : undefined },
      });
      await printObject(created, o.output, columns, flat);
    }),
  );

  withListOutput(cluster.command('list').description('List Schema Registry clusters').addOption(idOfKindOption('--environment <env>', 'only this environment', 'environment'))).action(
    withClient(async (client, o: { environment?: string } & ListOutputOptions) => {
      await printList(await client.listAll<SchemaRegistryCluster>('/srcm/v2/clusters', { environment: o.environment }), o, columns, flat);
    }),
  );

  withOutput(cluster.command('describe <id>').description('Describe a Schema Registry cluster')).action(
    withClient(async (client, id: string, o: OutputOptions) => {
      await printObject(await client.get<SchemaRegistryCluster>(`/srcm/v2/clusters/${encode(id)}`), o.output, columns, flat);
    }),
  );

  cluster
    .command('delete <id>')
    .description('Delete a Schema Registry cluster with its API keys')
    .addOption(forceOption())
    .action(
      withClient(async (client, id: string, o: { force?: boolean }) => {
        await client.get(`/srcm/v2/clusters/${encode(id)}`);
        await confirm(`Delete Schema Registry cluster "${id}" and every API key on it?`, o.force);
        const response = await client.delete(`/srcm/v2/clusters/${encode(id)}`);
        const counts = countsLine(response.headers.get('x-keyward-deleted'));
        done(`Deleted Schema Registry cluster "${id}"${counts ? ` (with ${counts})` : ''}.`);
      }),
    );
}
