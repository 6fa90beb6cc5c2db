import type { Command } from 'commander';
import { usageError } from '../cli-error.js';
import { notice, printObject, withOutput, type Column, type OutputOptions } from '../output.js';
import { withClient } from './shared.js';
import { POLICY_LIMITS } from '../../domain/policy.js';
import { MAX_KEY_LIFETIME } from '../../contract/durations.js';
import type { Policy, PolicyPatch } from '../../contract/index.js';
import { durationOption, wholeNumberOption } from '../flag-values.js';

const PATH = '/keyward/v1/policy';

const fields: Column<Policy>[] = [
  ['Max Key Lifetime', (p) => p.max_key_lifetime ?? 'none'],
  ['Require Service Account Keys In Production', (p) => String(p.require_service_account_keys_in_production)],
  ['Max Keys Per Owner Resource', (p) => p.max_keys_per_owner_resource],
  ['Unused Key Days', (p) => p.unused_key_days],
  ['Rotation Days', (p) => p.rotation_days],
];

/** Commander turns a parser's null into '', so "none" stays a word until the patch is built. */
const NO_LIMIT = 'none';

const limited = (flags: string, description: string, field: keyof typeof POLICY_LIMITS) =>
  wholeNumberOption(flags, description, POLICY_LIMITS[field].min, POLICY_LIMITS[field].max);

interface UpdateOptions extends OutputOptions {
  maxKeyLifetime?: string;
  requireServiceAccountKeysInProduction?: boolean;
  maxKeysPerOwnerResource?: number;
  unusedKeyDays?: number;
  rotationDays?: number;
}

export function register(program: Command): void {
  const policy = program.command('policy').description('Show and change the organization policy for API keys');

  withOutput(policy.command('describe').description('Show the organization policy')).action(
    withClient(async (client, o: OutputOptions) => printObject(await client.get<Policy>(PATH), o.output, fields)),
  );

  withOutput(
    policy
      .command('update')
      .description('Change the organization policy (OrganizationAdmin)')
      .addOption(durationOption('--max-key-lifetime <duration>', 'new keys must expire within this (e.g. 90d); "none" removes the limit', MAX_KEY_LIFETIME, { word: NO_LIMIT, means: 'no limit' }))
      .option('--require-service-account-keys-in-production', 'refuse user-owned keys on resources of production environments')
      .option('--no-require-service-account-keys-in-production', 'allow user-owned keys in production again')
      .addOption(limited('--max-keys-per-owner-resource <n>', 'most keys one owner may hold on one resource (default 10)', 'max_keys_per_owner_resource'))
      .addOption(limited('--unused-key-days <n>', 'days without use after which the advisor reports a key (default 90)', 'unused_key_days'))
      .addOption(limited('--rotation-days <n>', 'age in days after which the advisor asks for a rotation (default 90)', 'rotation_days')),
  ).action(
    withClient(async (client, o: UpdateOptions) => {
      const patch: PolicyPatch = {};
      if (o.maxKeyLifetime !== undefined) patch.max_key_lifetime = o.maxKeyLifetime === NO_LIMIT ? null : o.maxKeyLifetime;
      if (o.requireServiceAccountKeysInProduction !== undefined) patch.require_service_account_keys_in_production = o.requireServiceAccountKeysInProduction;
      if (o.maxKeysPerOwnerResource !== undefined) patch.max_keys_per_owner_resource = o.maxKeysPerOwnerResource;
      if (o.unusedKeyDays !== undefined) patch.unused_key_days = o.unusedKeyDays;
      if (o.rotationDays !== undefined) patch.rotation_days = o.rotationDays;
      if (Object.keys(patch).length === 0) throw usageError('nothing to update: give at least one policy flag (see keyward policy update --help)');
      const updated = await client.patch<Policy>(PATH, patch);
      await printObject(updated, o.output, fields);
      notice('Updated the organization policy.');
    }),
  );
}
