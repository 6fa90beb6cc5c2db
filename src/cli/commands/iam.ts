import type { Command } from 'commander';
import { encode } from '../client.js';
import { done, notice, printList, printObject, withListOutput, withOutput, type Column, type ListOutputOptions, type OutputOptions } from '../output.js';
import { confirm } from '../prompt.js';
import { countsLine, forceOption, withClient } from './shared.js';
import { register as registerRbac } from './iam-rbac.js';
import type { CreatedUser, ServiceAccount, User } from '../../contract/index.js';

const userFlat = (u: User) => ({ id: u.id, name: u.full_name, email: u.email, authentication_method: 'API key' });
const userColumns: Column<User>[] = [
  ['ID', (u) => u.id, { priority: 0, kind: 'id' }],
  ['Name', (u) => u.full_name, { priority: 2 }],
  ['Email', (u) => u.email, { priority: 1 }],
  ['Authentication Method', () => 'API key', { priority: 3 }],
];

const saFlat = (s: ServiceAccount) => ({ description: s.description, id: s.id, name: s.display_name, status: s.status });
const saColumns: Column<ServiceAccount>[] = [
  ['ID', (s) => s.id, { priority: 0, kind: 'id' }],
  ['Name', (s) => s.display_name, { priority: 1 }],
  ['Description', (s) => s.description, { priority: 3 }],
  ['Status', (s) => s.status, { priority: 2, kind: 'status' }],
];

async function deleteEach(ids: string[], force: boolean | undefined, what: string, remove: (id: string) => Promise<string | null>): Promise<void> {
  await confirm(ids.length === 1 ? `Delete ${what} "${ids[0]}" and all its API keys, role bindings and ACLs?` : `Delete ${ids.length} ${what}s (${ids.join(', ')}) and all their API keys, role bindings and ACLs?`, force);
  for (const id of ids) {
    const counts = countsLine(await remove(id));
    done(`Deleted ${what} "${id}"${counts ? ` (with ${counts})` : ''}.`);
  }
}

function registerUsers(iam: Command): void {
  const user = iam.command('user').description('Manage users');

  withOutput(user.command('create <email>').description('Create a user and its first cloud API key').requiredOption('--full-name <name>', "the user's full name")).action(
    withClient(async (client, email: string, o: { fullName: string } & OutputOptions) => {
      const created = await client.post<CreatedUser>('/iam/v2/users', { email, full_name: o.fullName });
      const shaped = { id: created.id, email: created.email, full_name: created.full_name, api_key: created.api_key };
      await printObject(shaped, o.output, [
        ['ID', (u) => u.id],
        ['Email', (u) => u.email],
        ['Full Name', (u) => u.full_name],
        ['API Key', (u) => u.api_key?.key],
        ['API Secret', (u) => u.api_key?.secret],
      ]);
      notice('Save the API key and secret. The secret is not retrievable later.');
    }),
  );

  withListOutput(user.command('list').description('List users')).action(
    withClient(async (client, o: ListOutputOptions) => printList(await client.listAll<User>('/iam/v2/users'), o, userColumns, userFlat)),
  );

  withOutput(user.command('describe <id>').description('Describe a user')).action(
    withClient(async (client, id: string, o: OutputOptions) => printObject(await client.get<User>(`/iam/v2/users/${encode(id)}`), o.output, userColumns, userFlat)),
  );

  withOutput(user.command('update <id>').description("Change a user's full name").requiredOption('--full-name <name>', 'new full name')).action(
    withClient(async (client, id: string, o: { fullName: string } & OutputOptions) =>
      printObject(await client.patch<User>(`/iam/v2/users/${encode(id)}`, { full_name: o.fullName }), o.output, userColumns, userFlat),
    ),
  );

  user
    .command('delete <ids...>')
    .description('Delete users with all their API keys, role bindings and ACLs')
    .addOption(forceOption())
    .action(
      withClient(async (client, ids: string[], o: { force?: boolean }) => {
        for (const id of ids) await client.get(`/iam/v2/users/${encode(id)}`);
        await deleteEach(ids, o.force, 'user', async (id) => (await client.delete(`/iam/v2/users/${encode(id)}`)).headers.get('x-keyward-deleted'));
      }),
    );
}

function registerServiceAccounts(iam: Command): void {
  const sa = iam.command('service-account').description('Manage service accounts');

  withOutput(sa.command('create <name>').description('Create a service account').requiredOption('--description <text>', 'what the account is for')).action(
    withClient(async (client, name: string, o: { description: string } & OutputOptions) => {
      const created = await client.post<ServiceAccount>('/iam/v2/service-accounts', { display_name: name, description: o.description });
      await printObject(created, o.output, saColumns, saFlat);
    }),
  );

  withListOutput(sa.command('list').description('List service accounts').option('--display-name <name>', 'only the account with this name')).action(
    withClient(async (client, o: { displayName?: string } & ListOutputOptions) =>
      printList(await client.listAll<ServiceAccount>('/iam/v2/service-accounts', { display_name: o.displayName }), o, saColumns, saFlat),
    ),
  );

  withOutput(sa.command('describe <id>').description('Describe a service account')).action(
    withClient(async (client, id: string, o: OutputOptions) => printObject(await client.get<ServiceAccount>(`/iam/v2/service-accounts/${encode(id)}`), o.output, saColumns, saFlat)),
  );

  withOutput(sa.command('update <id>').description("Change a service account's description").requiredOption('--description <text>', 'new description')).action(
    withClient(async (client, id: string, o: { description: string } & OutputOptions) =>
      printObject(await client.patch<ServiceAccount>(`/iam/v2/service-accounts/${encode(id)}`, { description: o.description }), o.output, saColumns, saFlat),
    ),
  );

  sa.command('delete <ids...>')
    .description('Delete service accounts with all their API keys, role bindings and ACLs')
    .addOption(forceOption())
    .action(
      withClient(async (client, ids: string[], o: { force?: boolean }) => {
        for (const id of ids) await client.get(`/iam/v2/service-accounts/${encode(id)}`);
        await deleteEach(ids, o.force, 'service account', async (id) => (await client.delete(`/iam/v2/service-accounts/${encode(id)}`)).headers.get('x-keyward-deleted'));
      }),
    );

  for (const [verb, past] of [['disable', 'Disabled'], ['enable', 'Enabled']] as const) {
    withOutput(sa.command(`${verb} <id>`).description(verb === 'disable' ? 'Block every API key of the account at once' : 'Let the account and its keys authenticate again')).action(
      withClient(async (client, id: string, o: OutputOptions) => {
        const result = await client.post<ServiceAccount>(`/keyward/v1/service-accounts/${encode(id)}/${verb}`);
        if (o.output === 'human') done(`${past} service account "${id}".`);
        else await printObject(result, o.output, saColumns, saFlat);
      }),
    );
  }
}

export function register(program: Command): void {
  const iam = program.command('iam').description('Manage users, service accounts and access');
  registerUsers(iam);
  registerServiceAccounts(iam);
  registerRbac(iam);
}
