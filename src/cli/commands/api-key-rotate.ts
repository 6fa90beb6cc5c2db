import { InvalidArgumentError, type Command } from 'commander';
import { encode } from '../client.js';
import { notice, printObject, withOutput, type OutputOptions } from '../output.js';
import { parseDuration } from '../../domain/durations.js';
import type { ApiKey } from './api-key.js';
import { withClient } from './shared.js';

/** `POST /keyward/v1/api-keys/{id}/rotate` answers the new key plus what happened to the old one. */
interface RotatedApiKey extends ApiKey {
  rotation: { replaces: string; old_key_expires_at: string };
}

/** The shape of `api-key rotate -o json` (DESIGN §2). */
export interface Rotation {
  key: string;
  secret: string;
  replaces: string;
  old_key_expires_at: string;
}

const MAX_GRACE_MS = 7 * 86_400_000;

function parseGrace(value: string): string {
  let ms: number;
  try {
    ms = parseDuration(value, '--grace');
  } catch {
    throw new InvalidArgumentError(`invalid --grace "${value}": use 0 or a duration up to 7d, such as 24h, 30m or 1d12h`);
  }
  if (ms > MAX_GRACE_MS) throw new InvalidArgumentError(`invalid --grace "${value}": the grace period is at most 7d`);
  return value;
}

/** `keyward api-key rotate KEY [--grace 24h]`: the new key's secret is shown once. */
export function registerRotate(apiKey: Command): void {
  withOutput(
    apiKey
      .command('rotate <key>')
      .description('Issue a new key with the same owner, resource and description; the old key expires after the grace period')
      .option('--grace <duration>', 'how long the old key keeps working: 0 (expire it now) to 7d', parseGrace, '24h'),
  ).action(
    withClient(async (client, key: string, o: { grace: string } & OutputOptions) => {
      const rotated = await client.post<RotatedApiKey>(`/keyward/v1/api-keys/${encode(key)}/rotate`, { grace: o.grace });
      const result: Rotation = {
        key: rotated.id,
        secret: rotated.spec.secret ?? '',
        replaces: rotated.rotation.replaces,
        old_key_expires_at: rotated.rotation.old_key_expires_at,
      };
      await printObject(result, o.output, [
        ['API Key', (r) => r.key],
        ['API Secret', (r) => r.secret],
        ['Replaces', (r) => r.replaces],
        ['Old Key Expires At', (r) => r.old_key_expires_at],
      ]);
      notice('Save the API key and secret. The secret is not retrievable later.');
      notice(
        `API key "${result.replaces}" keeps working until ${result.old_key_expires_at}. Move its clients to "${result.key}", then check ` +
          `that it is no longer used: keyward api-key describe ${result.replaces}`,
      );
    }),
  );
}
