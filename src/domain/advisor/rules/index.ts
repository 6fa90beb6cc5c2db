import type { AdvisorRule } from '../types.js';
import { failedAuthSpikeRule } from './failed-auth-spike.js';
import { keyDueForRotationRule } from './key-due-for-rotation.js';
import { oldKeyStillInUseRule } from './old-key-still-in-use.js';
import { orphanedGrantRule } from './orphaned-grant.js';
import { tooManyKeysRule } from './too-many-keys.js';
import { unusedKeyRule } from './unused-key.js';
import { unusedServiceAccountRule } from './unused-service-account.js';
import { userKeyInProductionRule } from './user-key-in-production.js';

/** Every advisor rule of DESIGN §6, most severe first. */
export const ADVISOR_RULES: readonly AdvisorRule[] = [
  userKeyInProductionRule,
  failedAuthSpikeRule,
  unusedKeyRule,
  keyDueForRotationRule,
  oldKeyStillInUseRule,
  orphanedGrantRule,
  unusedServiceAccountRule,
  tooManyKeysRule,
];

export {
  failedAuthSpikeRule,
  keyDueForRotationRule,
  oldKeyStillInUseRule,
  orphanedGrantRule,
  tooManyKeysRule,
  unusedKeyRule,
  unusedServiceAccountRule,
  userKeyInProductionRule,
};
