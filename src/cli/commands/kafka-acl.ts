import type { Command } from 'commander';
import { encode, type ApiClient } from '../client.js';
import { usageError, CliError } from '../cli-error.js';
import { done, notice, printList, withListOutput, withOutput, type Column, type ListOutputOptions } from '../output.js';
import { confirm } from '../prompt.js';
import { forceOption, withClient, environmentOf } from './shared.js';
import { Option } from 'commander';
import { ACL_OPERATIONS, aclsFromFlags, parseOperations, type AclFlags, type KafkaAcl } from '../../domain/authz/acl.js';
import { idOfKindOption } from '../flag-values.js';
import { isKeywardError } from '../../domain/errors.js';
import { ID_PREFIXES } from '../../contract/ids.js';
import type { KafkaResourceType } from '../../contract/enums.js';
import type { Acl, AclList, KafkaCluster } from '../../contract/index.js';
import { principalOf } from '../../domain/principal.js';

const flat = (a: Acl) => ({ principal: a.principal, permission: a.permission, operation: a.operation, resource_type: a.resource_type, resource_name: a.resource_name, pattern_type: a.pattern_type });
const columns: Column<Acl>[] = [
  ['Principal', (a) => a.principal, { priority: 0, kind: 'id' }],
  ['Permission', (a) => a.permission, { priority: 1, kind: 'status' }],
  ['Operation', (a) => a.operation, { priority: 2, kind: 'id' }],
  ['Resource Type', (a) => a.resource_type, { priority: 4, kind: 'id' }],
  ['Resource Name', (a) => a.resource_name, { priority: 3 }],
  ['Pattern Type', (a) => a.pattern_type, { priority: 5, kind: 'id' }],
];

type Flags = AclFlags & ListOutputOptions & { force?: boolean };

function aclOptions(command: Command): Command {
  return command
    .option('--allow', 'ALLOW permission')
    .option('--deny', 'DENY permission')
    .option('--service-account <id>', 'the principal is this service account')
    .option('--principal <principal>', 'User:<id> or User:*')
    .addOption(operationsOption())
    .option('--topic <name>', 'a topic')
    .option('--consumer-group <name>', 'a consumer group')
    .option('--transactional-id <id>', 'a transactional id')
    .option('--cluster-scope', 'the cluster itself')
    .option('--prefix', 'the resource name is a prefix')
    .addOption(idOfKindOption('--cluster <id>', 'Kafka cluster id (default: the only cluster of the current environment)', 'kafkaCluster'));
}

/** `--operations read,describe`: each a Kafka operation (any case), refused before any request with the `confluent` CLI's message. */
function operationsOption(): Option {
  const option = new Option('--operations <list>', 'comma-separated, e.g. read,describe');
  option.argChoices = [...ACL_OPERATIONS];
  return option.argParser((value: string) => {
    try {
      parseOperations(value);
    } catch (error) {
      if (isKeywardError(error)) throw usageError(`${error.message} (valid values are ${ACL_OPERATIONS.join(', ')})`);
      throw error;
    }
    return value;
  });
}

/** --cluster, else the one Kafka cluster of the current environment. */
async function clusterOf(client: ApiClient, flag: string | undefined): Promise<string> {
  if (flag) return flag;
  const environment = environmentOf(client, undefined);
  const clusters = await client.listAll<KafkaCluster>('/cmk/v2/clusters', { environment });
  if (clusters.length === 1) return clusters[0]!.id;
  throw usageError(clusters.length === 0 ? 'no Kafka cluster in the current environment: pass --cluster' : 'several Kafka clusters: pass --cluster lkc-…');
}

/** A well-formed cluster id, for checking the other flags before the cluster is looked up. */
const ANY_CLUSTER = 'lkc-000000';

/** The ACLs the flags name; a flag problem is a usage error, found before any request. */
function validated(flags: AclFlags): Array<Omit<KafkaAcl, 'cluster_id'>> {
  try {
    return aclsFromFlags({ ...flags, cluster: flags.cluster ?? ANY_CLUSTER }).map(({ cluster_id: _c, ...rest }) => rest);
  } catch (error) {
    if (isKeywardError(error)) throw usageError(error.message);
    throw error;
  }
}

function query(acl: Omit<KafkaAcl, 'cluster_id'>): string {
  return new URLSearchParams({
    principal: acl.principal, permission: acl.permission, operation: acl.operation, resource_type: acl.resource_type, resource_name: acl.resource_name, pattern_type: acl.pattern_type, host: acl.host,
  }).toString();
}

export function register(kafka: Command): void {
  const acl = kafka.command('acl').description("Manage a Kafka cluster's ACLs");

  withOutput(aclOptions(acl.command('create').description('Create ACLs (one per operation)'))).action(
    withClient(async (client, o: Flags) => {
      const acls = validated(o);
      const cluster = await clusterOf(client, o.cluster);
      const created = await client.post<AclList>(`/kafka/v3/clusters/${encode(cluster)}/acls`, acls);
      await printList(created.data, o.output, columns, flat);
    }),
  );

  withListOutput(aclOptions(acl.command('list').description('List ACLs, optionally filtered'))).action(
    withClient(async (client, o: Flags) => {
      if (o.allow && o.deny) throw usageError('only `--allow` or `--deny` may be set');
      if (o.serviceAccount && !o.serviceAccount.startsWith(ID_PREFIXES.serviceAccount)) throw usageError('failed to parse service account id: ensure service account id begins with "sa-"');
      const ops = (o.operations ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (ops.length > 1) throw usageError('list takes at most one operation');
      const resource: Array<[KafkaResourceType, string | undefined]> = [['TOPIC', o.topic], ['GROUP', o.consumerGroup], ['TRANSACTIONAL_ID', o.transactionalId], ['CLUSTER', o.clusterScope ? 'kafka-cluster' : undefined]];
      const given = resource.filter(([, v]) => v !== undefined);
      if (given.length > 1) throw usageError('at most one of --topic, --consumer-group, --transactional-id, --cluster-scope');
      const cluster = await clusterOf(client, o.cluster);
      const params = new URLSearchParams();
      if (o.allow) params.set('permission', 'ALLOW');
      if (o.deny) params.set('permission', 'DENY');
      if (o.serviceAccount) params.set('principal', principalOf(o.serviceAccount));
      if (o.principal) params.set('principal', o.principal);
      if (ops[0]) params.set('operation', ops[0].toUpperCase());
      if (given[0]) {
        params.set('resource_type', given[0][0]);
        params.set('resource_name', given[0][1] as string);
      }
      if (o.prefix) params.set('pattern_type', 'PREFIXED');
      const list = await client.get<AclList>(`/kafka/v3/clusters/${encode(cluster)}/acls${params.size ? `?${params}` : ''}`);
      await printList(list.data, o, columns, flat);
    }),
  );

  withOutput(aclOptions(acl.command('delete').description('Delete the ACLs given by the same flags as create')).addOption(forceOption())).action(
    withClient(async (client, o: Flags) => {
      const acls = validated(o);
      const cluster = await clusterOf(client, o.cluster);
      const matching: Acl[] = [];
      for (const a of acls) matching.push(...(await client.get<AclList>(`/kafka/v3/clusters/${encode(cluster)}/acls?${query(a)}`)).data);
      if (matching.length === 0) throw new CliError('No ACL matches those flags; nothing was deleted');
      if (!o.force && o.output === 'human') for (const m of matching) notice(`  ${m.permission} ${m.operation} on ${m.resource_type}:${m.resource_name} (${m.pattern_type}) for ${m.principal}`);
      await confirm(`Delete ${matching.length} ACL(s)?`, o.force);
      const deleted: Acl[] = [];
      for (const a of acls) deleted.push(...(await client.request<AclList>('DELETE', `/kafka/v3/clusters/${encode(cluster)}/acls?${query(a)}`)).body.data);
      if (o.output === 'human') done(`Deleted ${deleted.length} ACL(s).`);
      else await printList(deleted, o.output, columns, flat);
    }),
  );
}
