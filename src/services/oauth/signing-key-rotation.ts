import { organizationCrn } from '../../domain/crn.js';
import { applyChange } from '../change.js';
import type { CallContext, ServiceDeps } from '../context.js';
import type { SigningKeyStore } from './signing-keys.js';

/** `keyward server rotate-signing-key`: a new key signs from now on; old tokens keep verifying. */
export function createSigningKeyRotation(deps: Pick<ServiceDeps, 'authz' | 'organizationId' | 'audit' | 'changes' | 'clock'>, keys: SigningKeyStore) {
  return async function rotateSigningKey(ctx: CallContext) {
    await deps.authz.require(ctx, 'signing-key:manage', organizationCrn(deps.organizationId));
    await keys.signingKey(); // make sure there is a key to retire
    return applyChange(deps, ctx, async ({ trx, audit, changed }) => {
      const rotated = await keys.rotate(trx);
      audit({ method: 'keyward.RotateSigningKey', subject: organizationCrn(deps.organizationId), details: { kid: rotated.kid, retired: rotated.retired, retired_keys_expire_at: rotated.retiredKeysExpireAt } });
      changed({ kind: 'signing-keys' });
      return rotated;
    });
  };
}
