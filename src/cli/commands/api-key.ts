import type { Command } from 'commander';
import { encode } from '../client.js';
import { usageError } from '../cli-error.js';
import { done, notice, printList, printObject, withListOutput, withOutput, type Column, type ListOutputOptions, type OutputOptions } from '../output.js';
import { confirm } from '../prompt.js';
import { forceOption, withClient } from './shared.js';
import { apiKeyResourceOption, durationOption, enumOption, idOfKindOption, timeOption } from '../flag-values.js';
import { requireExisting, requireExistingResource } from '../referenced.js';
import { API_KEY_STATES } from '../../contract/enums.js';
import { KEY_EXPIRES_IN } from '../../contract/durations.js';
import type { ApiKey, WhoAmI } from '../../contract/index.js';
import { registerRotate } from './api-key-rotate.js';
import { last24hTotals, registerUsage } from './api-key-usage.js';

const RESOURCE_TYPE: Record<string, string> = { Cluster: 'kafka', SchemaRegistry: 'schema-registry', Cloud: 'cloud' };

/** The shape of `api-key list -o json` (DESIGN §2), a superset of the seed's. */
export const flatKey = (k: ApiKey) => ({
  key: k.id,
  description: k.spec.description,
  owner: k.spec.owner.id,
  owner_email: k.spec.owner.email,
  resource_type: RESOURCE_TYPE[k.spec.resource.kind] ?? k.spec.resource.kind,
  resource_id: k.spec.resource.id,
  created: k.metadata.created_at.replace(/\.\d{3}Z$/, 'Z'),
  status: k.spec.state.toUpperCase(),
  expires_at: k.spec.expires_at,
  last_used: k.spec.last_used,
});

// Priorities (0 never drops; the highest drops first): at 80 columns Key, Description, Resource, Last Used, Status.
const listColumns: Column<ApiKey>[] = [
  ['Key', (k) => k.id, { priority: 0, kind: 'id' }],
  ['Description', (k) => k.spec.description, { priority: 3 }],
  ['Owner', (k) => k.spec.owner.id, { priority: 5, kind: 'id' }],
  ['Owner Email', (k) => k.spec.owner.email, { priority: 8 }],
  ['Resource Type', (k) => RESOURCE_TYPE[k.spec.resource.kind] ?? k.spec.resource.kind, { priority: 9, kind: 'id' }],
  ['Resource', (k) => k.spec.resource.id, { priority: 2, kind: 'id' }],
  ['Created', (k) => k.metadata.created_at, { priority: 6, kind: 'time' }],
  ['Last Used', (k) => k.spec.last_used, { priority: 4, kind: 'time', ifNone: 'never' }],
  ['Status', (k) => k.spec.state.toUpperCase(), { priority: 1, kind: 'status' }],
];

const describeColumns: Column<ApiKey>[] = [
  ...listColumns,
  ['Expires At', (k) => k.spec.expires_at, { kind: 'expiry' }],
  ['Replaces', (k) => k.spec.replaces ?? ''],
  ['Replaced By', (k) => k.spec.replaced_by ?? ''],
];

const describeFlat = (k: ApiKey) => ({
  ...flatKey(k),
  replaces: k.spec.replaces,
  replaced_by: k.spec.replaced_by,
  // a disabled key says who disabled it and why: that decides who may enable it again
  ...(k.spec.disabled ? { disabled_by: k.spec.disabled.by, disabled_reason: k.spec.disabled.reason, disabled_at: k.spec.disabled.at } : {}),
});

function minutesAgo(iso: string): number {
  return (Date.now() - new Date(iso).getTime()) / 60_000;
}

export function register(program: Command): void {
  const apiKey = program.command('api-key').description('Manage API keys');

  withOutput(
    apiKey
      .command('create')
      .description('Create an API key for a resource; the secret is shown once')
      .addOption(apiKeyResourceOption('--resource <id>', 'Kafka cluster (lkc-…), Schema Registry (lsrc-…) or "cloud"').makeOptionMandatory())
      .addOption(idOfKindOption('--service-account <id>', 'owner of the key (default: you)', 'serviceAccount'))
      .option('--description <text>', 'what the key is for')
      .addOption(durationOption('--expires-in <duration>', 'expire after this long, e.g. 90d', KEY_EXPIRES_IN))
      .addOption(timeOption('--expires-at <time>', 'expire at this ISO-8601 time', { future: true })),
  ).action(
    withClient(async (client, o: { resource: string; serviceAccount?: string; description?: string; expiresIn?: string; expiresAt?: string } & OutputOptions) => {
      if (o.expiresIn && o.expiresAt) throw usageError('give either --expires-in or --expires-at, not both');
      const created = await client.post<ApiKey>('/iam/v2/api-keys', {
        spec: {
          resource: { id: o.resource },
          owner: o.serviceAccount ? { id: o.serviceAccount } : undefined,
          description: o.description,
          expires_in: o.expiresIn,
          expires_at: o.expiresAt,
        },
      });
      const pair = { key: created.id, secret: created.spec.secret ?? '' };
      await printObject(pair, o.output, [
        ['API Key', (p) => p.key],
        ['API Secret', (p) => p.secret],
      ]);
      notice('Save the API key and secret. The secret is not retrievable later.');
    }),
  );

  withListOutput(
    apiKey
      .command('list')
      .description('List API keys; in human output, "Last 24h" counts each key\'s authentications of every outcome (successes and failures) in the current hour and the 23 before it')
      .addOption(idOfKindOption('--service-account <id>', 'only keys owned by this service account', 'serviceAccount'))
      .option('--current-user', 'only your own keys')
      .addOption(apiKeyResourceOption('--resource <id>', 'only keys for this resource'))
      .addOption(idOfKindOption('--environment <env>', 'only keys for resources in this environment', 'environment'))
      .addOption(enumOption('--status <status>', 'only keys in this state', API_KEY_STATES)),
  ).action(
    withClient(async (client, o: { serviceAccount?: string; currentUser?: boolean; resource?: string; environment?: string; status?: string } & ListOutputOptions) => {
      if (o.serviceAccount && o.currentUser) throw usageError('give either --service-account or --current-user, not both');
      if (o.serviceAccount) await requireExisting(client, 'serviceAccount', o.serviceAccount);
      if (o.resource) await requireExistingResource(client, o.resource);
      if (o.environment) await requireExisting(client, 'environment', o.environment);
      let owner = o.serviceAccount;
      if (o.currentUser) owner = (await client.get<WhoAmI>('/keyward/v1/whoami')).id;
      const rows = await client.listAll<ApiKey>('/iam/v2/api-keys', { 'spec.owner': owner, 'spec.resource': o.resource, environment: o.environment, status: o.status });
      if (o.output !== 'human' || rows.length === 0) return printList(rows, o, listColumns, flatKey);
      // human only: the JSON of DESIGN §2 stays as it is
      const last24h = await last24hTotals(client, rows.map((k) => k.id));
      const at = listColumns.findIndex(([header]) => header === 'Last Used') + 1;
      const columns: Column<ApiKey>[] = [...listColumns.slice(0, at), ['Last 24h', (k) => last24h.get(k.id) ?? 'n/a', { priority: 7, kind: 'number' }], ...listColumns.slice(at)];
      await printList(rows, o, columns, flatKey);
    }),
  );

  withOutput(apiKey.command('describe <key>').description('Describe an API key')).action(
    withClient(async (client, key: string, o: OutputOptions) => printObject(await client.get<ApiKey>(`/iam/v2/api-keys/${encode(key)}`), o.output, describeColumns, describeFlat)),
  );

  apiKey
    .command('update <key>')
    .description("Change an API key's description")
    .requiredOption('--description <text>', 'new description')
    .action(
      withClient(async (client, key: string, o: { description: string }) => {
        await client.patch(`/iam/v2/api-keys/${encode(key)}`, { spec: { description: o.description } });
        done(`Updated the description of API key "${key}" to "${o.description}".`);
      }),
    );

  apiKey
    .command('delete <keys...>')
    .description('Delete API keys; asks first on a terminal, showing each key\'s last use')
    .addOption(forceOption())
    .action(
      withClient(async (client, keys: string[], o: { force?: boolean }) => {
        const found: ApiKey[] = [];
        for (const key of keys) found.push(await client.get<ApiKey>(`/iam/v2/api-keys/${encode(key)}`));
        if (!o.force) {
          for (const k of found) {
            const used = k.spec.last_used;
            notice(`API key "${k.id}" (${k.spec.description || 'no description'}) on ${k.spec.resource.id}: last used ${used ?? 'never'}.`);
            if (used && minutesAgo(used) <= 15) notice(`WARNING: API key "${k.id}" was used ${Math.max(0, Math.round(minutesAgo(used)))} minute(s) ago; a client still depends on it.`);
          }
        }
        await confirm(keys.length === 1 ? `Delete API key "${keys[0]}"?` : `Delete ${keys.length} API keys?`, o.force);
        for (const key of keys) {
          await client.delete(`/iam/v2/api-keys/${encode(key)}`);
          done(`Deleted API key "${key}".`);
        }
      }),
    );

  registerRotate(apiKey);
  registerUsage(apiKey);

  for (const [verb, past] of [['disable', 'Disabled'], ['enable', 'Enabled']] as const) {
    apiKey
      .command(`${verb} <key>`)
      .description(verb === 'disable' ? 'Disable an API key (reversible, effective on the next request)' : 'Enable a disabled API key')
      .action(
        withClient(async (client, key: string) => {
          await client.post(`/keyward/v1/api-keys/${encode(key)}/${verb}`);
          done(`${past} API key "${key}".`);
        }),
      );
  }
}
