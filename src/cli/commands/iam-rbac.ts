import type { Command } from 'commander';
import { encode, type ApiClient } from '../client.js';
import { usageError } from '../cli-error.js';
import { done, printList, printObject, withOutput, type Column, type OutputOptions } from '../output.js';
import { confirm } from '../prompt.js';
import { forceOption, withClient } from './shared.js';
import { ROLES, findRole, actionsGrantedBy, ROLE_NAMES, type RoleDefinition } from '../../domain/authz/roles.js';
import { buildRoleBindingCrnPattern } from '../../domain/authz/crn-pattern.js';
import { buildCrn } from '../../domain/crn.js';
import { isKeywardError } from '../../domain/errors.js';

interface RoleBinding {
  id: string;
  principal: string;
  role_name: string;
  crn_pattern: string;
}

const bindingFlat = (b: RoleBinding) => ({ id: b.id, principal: b.principal, role: b.role_name, crn_pattern: b.crn_pattern });
const bindingColumns: Column<RoleBinding>[] = [
  ['ID', (b) => b.id],
  ['Principal', (b) => b.principal],
  ['Role', (b) => b.role_name],
  ['CRN Pattern', (b) => b.crn_pattern],
];

const roleFlat = (r: RoleDefinition) => ({
  name: r.name,
  scope: r.scope,
  description: r.description,
  resource_types: r.resourceTypes ?? [],
  actions: actionsGrantedBy(r),
  resource_actions: Object.fromEntries((r.resourceTypes ?? []).map((t) => [t, actionsGrantedBy(r, t)])),
});
const roleColumns: Column<RoleDefinition>[] = [
  ['Name', (r) => r.name],
  ['Scope', (r) => r.scope],
  ['May', (r) => r.description],
];

interface ScopeFlags {
  environment?: string;
  cloudCluster?: string;
  kafkaCluster?: string;
  schemaRegistryCluster?: string;
  resource?: string;
  prefix?: boolean;
}

async function organizationOf(client: ApiClient): Promise<string> {
  return (await client.get<{ organization: string }>('/keyward/v1/whoami')).organization;
}

/** Flag problems found before anything is sent are usage errors (exit 2). */
function asUsage<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (isKeywardError(error)) throw usageError(error.message);
    throw error;
  }
}

export function register(iam: Command): void {
  const rbac = iam.command('rbac').description('Role-based access control: roles and role bindings');
  const role = rbac.command('role').description('The predefined roles');

  withOutput(role.command('list').description('List the roles')).action(async (o: OutputOptions) => printList([...ROLES], o.output, roleColumns, roleFlat));

  withOutput(role.command('describe <role>').description('Describe a role: its scope and what it grants')).action(async (name: string, o: OutputOptions) => {
    const found = findRole(name);
    if (!found) throw usageError(`unknown role "${name}"; the roles are ${ROLE_NAMES.join(', ')}`);
    await printObject(found, o.output, [
      ...roleColumns,
      ['Resource Types', (r) => (r.resourceTypes ?? []).join(', ')],
      ['Grants', (r) => [actionsGrantedBy(r).join(', '), ...(r.resourceTypes ?? []).map((t) => `${t}: ${actionsGrantedBy(r, t).join(', ')}`)].filter(Boolean).join('; ')],
    ], roleFlat);
  });

  const binding = rbac.command('role-binding').description('Grant roles to principals');

  const scopeOptions = (command: Command) =>
    command
      .option('--environment <env>', 'environment id')
      .option('--cloud-cluster <id>', 'Kafka cluster id, as the cluster scope')
      .option('--kafka-cluster <id>', 'Kafka cluster id, for resources inside it')
      .option('--schema-registry-cluster <id>', 'Schema Registry cluster id, for subjects');

  withOutput(
    scopeOptions(
      binding
        .command('create')
        .description('Grant a role to a principal on a scope')
        .requiredOption('--principal <principal>', 'User:<id>, e.g. User:sa-abc123')
        .requiredOption('--role <role>', `one of ${ROLE_NAMES.join(', ')}`),
    )
      .option('--resource <Type:Name>', 'Topic, Group, TransactionalId, Subject or ServiceAccount, e.g. Topic:orders')
      .option('--prefix', 'the resource name is a prefix'),
  ).action(
    withClient(async (client, o: { principal: string; role: string } & ScopeFlags & OutputOptions) => {
      if (!/^User:\S+$/.test(o.principal)) throw usageError(`invalid --principal "${o.principal}": use User:<id>, e.g. User:sa-abc123`);
      const organization = await organizationOf(client);
      const crnPattern = asUsage(() => buildRoleBindingCrnPattern(o.role, { organization, ...o }));
      const created = await client.post<RoleBinding>('/iam/v2/role-bindings', { principal: o.principal, role_name: o.role, crn_pattern: crnPattern });
      await printObject(created, o.output, bindingColumns, bindingFlat);
    }),
  );

  withOutput(
    binding
      .command('list')
      .description('List role bindings')
      .option('--principal <principal>', 'only this principal')
      .option('--role <role>', 'only this role')
      .option('--environment <env>', 'only bindings inside this environment')
      .option('--cloud-cluster <id>', 'only bindings inside this Kafka cluster (needs --environment)'),
  ).action(
    withClient(async (client, o: { principal?: string; role?: string; environment?: string; cloudCluster?: string } & OutputOptions) => {
      if (o.role && !findRole(o.role)) throw usageError(`unknown role "${o.role}"; the roles are ${ROLE_NAMES.join(', ')}`);
      if (o.cloudCluster && !o.environment) throw usageError('--cloud-cluster needs --environment');
      const crn = o.environment ? buildCrn({ organization: await organizationOf(client), environment: o.environment, cloudCluster: o.cloudCluster }) : undefined;
      const rows = await client.listAll<RoleBinding>('/iam/v2/role-bindings', { principal: o.principal, role_name: o.role, crn_pattern: crn });
      await printList(rows, o.output, bindingColumns, bindingFlat);
    }),
  );

  binding
    .command('delete <id>')
    .description('Remove a role binding (effective on the next request)')
    .addOption(forceOption())
    .action(
      withClient(async (client, id: string, o: { force?: boolean }) => {
        const found = await client.get<RoleBinding>(`/iam/v2/role-bindings/${encode(id)}`);
        await confirm(`Remove ${found.role_name} of ${found.principal} on ${found.crn_pattern}?`, o.force);
        await client.delete(`/iam/v2/role-bindings/${encode(id)}`);
        done(`Deleted role binding "${id}".`);
      }),
    );
}
