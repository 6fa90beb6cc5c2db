import type { Command } from 'commander';
import { encode, type ApiClient } from '../client.js';
import { CliError } from '../cli-error.js';
import { notice, printObject, withOutput, type OutputOptions } from '../output.js';
import { rfc3339Seconds } from '../../contract/relative-time.js';
import { DEFAULT_ROTATION_GRACE, ROTATION_GRACE } from '../../contract/durations.js';
import { ID_PATTERNS } from '../../contract/ids.js';
import type { RotatedApiKey, Rotation, ServiceAccount } from '../../contract/index.js';
import { durationOption } from '../flag-values.js';
import { withClient } from './shared.js';

/** The shape of `api-key rotate -o json` (DESIGN §2): the new key and its secret, and what happened to the old one. */
type RotationOutput = { key: string; secret: string } & Rotation;

/**
 * `--service-account` takes an id or, so that a script can name the account it just created, the
 * account's name (names are unique): a name is looked up, exactly, before the rotation.
 */
async function serviceAccountId(client: ApiClient, idOrName: string): Promise<string> {
  if (ID_PATTERNS.serviceAccount.test(idOrName)) return idOrName;
  const [account] = await client.listAll<ServiceAccount>('/iam/v2/service-accounts', { display_name: idOrName });
  if (!account) throw new CliError(`No service account is named "${idOrName}" (keyward iam service-account list shows them)`);
  return account.id;
}

/** `keyward api-key rotate KEY [--grace 24h] [--service-account SA]`: the new key's secret is shown once. */
export function registerRotate(apiKey: Command): void {
  withOutput(
    apiKey
      .command('rotate <key>')
      .description('Issue a new key with the same owner, resource and description; the old key expires after the grace period')
      .addOption(durationOption('--grace <duration>', 'how long the old key keeps working: 0 (expire it now) to 7d', ROTATION_GRACE).default(DEFAULT_ROTATION_GRACE))
      .option('--service-account <id-or-name>', "issue the new key to this service account instead of the old key's owner (hands a user's key over)"),
  ).action(
    withClient(async (client, key: string, o: { grace: string; serviceAccount?: string } & OutputOptions) => {
      const serviceAccount = o.serviceAccount === undefined ? undefined : await serviceAccountId(client, o.serviceAccount);
      const rotated = await client.post<RotatedApiKey>(`/keyward/v1/api-keys/${encode(key)}/rotate`, {
        grace: o.grace,
        ...(serviceAccount === undefined ? {} : { service_account: serviceAccount }),
      });
      const result: RotationOutput = {
        key: rotated.id,
        secret: rotated.spec.secret ?? '',
        replaces: rotated.rotation.replaces,
        old_key_expires_at: rotated.rotation.old_key_expires_at,
      };
      await printObject(result, o.output, [
        ['API Key', (r) => r.key],
        ['API Secret', (r) => r.secret],
        ['Replaces', (r) => r.replaces],
        ['Old Key Expires At', (r) => r.old_key_expires_at, { kind: 'expiry' }],
      ]);
      notice('Save the API key and secret. The secret is not retrievable later.');
      notice(
        `API key "${result.replaces}" keeps working until ${rfc3339Seconds(result.old_key_expires_at, 'up')}. Move its clients to "${result.key}", then check ` +
          `that it is no longer used: keyward api-key describe ${result.replaces}`,
      );
      if (serviceAccount !== undefined) {
        notice(
          `The new key belongs to service account "${serviceAccount}": before moving clients to it, grant the account the roles they need ` +
            `(keyward iam rbac role-binding create --principal User:${serviceAccount} …).`,
        );
      }
    }),
  );
}
