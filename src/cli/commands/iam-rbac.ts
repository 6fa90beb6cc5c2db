import { Argument, type Command } from 'commander';
import { encode, type ApiClient } from '../client.js';
import { usageError } from '../cli-error.js';
import { done, printList, printObject, withListOutput, withOutput, type Column, type ListOutputOptions, type OutputOptions } from '../output.js';
import { confirm } from '../prompt.js';
import { forceOption, withClient } from './shared.js';
import { enumOption, idOfKindOption, idOption } from '../flag-values.js';
import { requireExisting } from '../referenced.js';
import { ROLES, findRole, actionsGrantedBy, type RoleDefinition } from '../../domain/authz/roles.js';
import { ROLE_NAMES } from '../../contract/enums.js';
import { buildRoleBindingCrnPattern } from '../../domain/authz/crn-pattern.js';
import { buildCrn } from '../../domain/crn.js';
import { isKeywardError } from '../../domain/errors.js';
import type { RoleBinding, WhoAmI } from '../../contract/index.js';

const bindingFlat = (b: RoleBinding) => ({ id: b.id, principal: b.principal, role: b.role_name, crn_pattern: b.crn_pattern });
const bindingColumns: Column<RoleBinding>[] = [
  ['ID', (b) => b.id, { priority: 0, kind: 'id' }],
  ['Principal', (b) => b.principal, { priority: 1, kind: 'id' }],
  ['Role', (b) => b.role_name, { priority: 2, kind: 'id' }],
  // every pattern starts with the one organization: the scope is what follows it, and its tail
  // (cluster, resource) is what tells bindings apart, so it is cut at the start; --wide shows the pattern
  ['Scope', (b) => scopeWithinOrganization(b.crn_pattern), { priority: 3, cut: 'start' }],
  ['CRN Pattern', (b) => b.crn_pattern, { priority: 9, cut: 'start', wideOnly: true }],
];

/** `crn://keyward/organization=…/environment=env-x/…` → `environment=env-x/…`; the organization itself → `organization`. */
export function scopeWithinOrganization(crnPattern: string): string {
  const match = /^crn:\/\/keyward\/organization=[^/]+(?:\/(.*))?$/.exec(crnPattern);
  if (!match) return crnPattern;
  return match[1] ? match[1] : 'organization';
}

const roleFlat = (r: RoleDefinition) => ({
  name: r.name,
  scope: r.scope,
  description: r.description,
  resource_types: r.resourceTypes ?? [],
  actions: actionsGrantedBy(r),
  resource_actions: Object.fromEntries((r.resourceTypes ?? []).map((t) => [t, actionsGrantedBy(r, t)])),
});
const roleColumns: Column<RoleDefinition>[] = [
  ['Name', (r) => r.name, { priority: 0, kind: 'id' }],
  ['Scope', (r) => r.scope, { priority: 2, kind: 'id' }],
  ['May', (r) => r.description, { priority: 1 }],
];

interface ScopeFlags {
  environment?: string;
  cloudCluster?: string;
  kafkaCluster?: string;
  schemaRegistryCluster?: string;
  resource?: string;
  prefix?: boolean;
}

/** A principal as DESIGN §1 writes it: `User:<id>`. */
const principalOption = (flags: string, description: string) => idOption(flags, description, /^User:\S+$/, 'principals such as User:sa-abc123 or User:u-abc123');

/** Stands in for the organization when a pattern is built only to check the flags. */
const UNKNOWN_ORGANIZATION = '00000000-0000-0000-0000-000000000000';

async function organizationOf(client: ApiClient): Promise<string> {
  return (await client.get<WhoAmI>('/keyward/v1/whoami')).organization;
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

  withListOutput(role.command('list').description('List the roles')).action(async (o: ListOutputOptions) => printList([...ROLES], o, roleColumns, roleFlat));

  // the role names, for help and completion; the action matches them in any case
  const roleArgument = new Argument('<role>', 'a role name');
  roleArgument.argChoices = [...ROLE_NAMES];
  withOutput(role.command('describe').addArgument(roleArgument).description('Describe a role: its scope and what it grants')).action(async (name: string, o: OutputOptions) => {
    const found = findRole(ROLE_NAMES.find((n) => n.toLowerCase() === name.toLowerCase()) ?? name);
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
        .addOption(principalOption('--principal <principal>', 'User:<id>, e.g. User:sa-abc123').makeOptionMandatory())
        .addOption(enumOption('--role <role>', 'the role to grant', ROLE_NAMES).makeOptionMandatory()),
    )
      .option('--resource <Type:Name>', 'Topic, Group, TransactionalId, Subject or ServiceAccount, e.g. Topic:orders')
      .option('--prefix', 'the resource name is a prefix'),
  ).action(
    withClient(async (client, o: { principal: string; role: string } & ScopeFlags & OutputOptions) => {
      // the flags are checked before any request; the organization only completes the pattern
      asUsage(() => buildRoleBindingCrnPattern(o.role, { organization: UNKNOWN_ORGANIZATION, ...o }));
      const organization = await organizationOf(client);
      const crnPattern = asUsage(() => buildRoleBindingCrnPattern(o.role, { organization, ...o }));
      const created = await client.post<RoleBinding>('/iam/v2/role-bindings', { principal: o.principal, role_name: o.role, crn_pattern: crnPattern });
      await printObject(created, o.output, bindingColumns, bindingFlat);
    }),
  );

  withListOutput(
    binding
      .command('list')
      .description('List role bindings')
      .addOption(principalOption('--principal <principal>', 'only this principal'))
      .addOption(enumOption('--role <role>', 'only this role', ROLE_NAMES))
      .addOption(idOfKindOption('--environment <env>', 'only bindings inside this environment', 'environment'))
      .addOption(idOfKindOption('--cloud-cluster <id>', 'only bindings inside this Kafka cluster (needs --environment)', 'kafkaCluster')),
  ).action(
    withClient(async (client, o: { principal?: string; role?: string; environment?: string; cloudCluster?: string } & ListOutputOptions) => {
      if (o.cloudCluster && !o.environment) throw usageError('--cloud-cluster needs --environment');
      if (o.environment) await requireExisting(client, 'environment', o.environment);
      if (o.cloudCluster) await requireExisting(client, 'kafkaCluster', o.cloudCluster);
      const crn = o.environment ? buildCrn({ organization: await organizationOf(client), environment: o.environment, cloudCluster: o.cloudCluster }) : undefined;
      const rows = await client.listAll<RoleBinding>('/iam/v2/role-bindings', { principal: o.principal, role_name: o.role, crn_pattern: crn });
      await printList(rows, o, bindingColumns, bindingFlat);
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
