import { errors } from '../domain/errors.js';
import type { Actor, RequestMetadata } from './context.js';
import type { Mechanism, Verify } from './verify/verifier.js';

export const CLOUD_KEY_REQUIRED = 'Use a cloud API key for the management API';

/**
 * Authenticates a management request's `cloud` key through the same verifier as the data plane
 * (same cache, same brute-force guard, same constant-time checks); failures are audited as
 * `keyward.ManagementLogin`, with the mechanism the key was presented by (HTTP Basic, or the console's
 * login form).
 */
export function createManagementAuth(verify: Verify) {
  return async function authenticate(key: string, secret: string, request: RequestMetadata, mechanism: Mechanism = 'HTTP_BASIC'): Promise<Actor> {
    const result = await verify({ key, secret, resource: 'cloud', method: 'keyward.ManagementLogin', mechanism, request, auditSuccess: false });
    if (!result.valid) {
      switch (result.code) {
        case 'RATE_LIMITED':
          throw errors.rateLimited('Too many failed attempts from this address; try again later', result.retryAfterSeconds);
        case 'WRONG_RESOURCE':
          throw errors.unauthenticated(CLOUD_KEY_REQUIRED);
        case 'DISABLED':
        case 'EXPIRED':
          throw errors.unauthenticated(result.reason);
        default:
          throw errors.unauthenticated('Invalid API key or secret');
      }
    }
    return { kind: result.key.ownerKind, id: result.key.ownerId, principal: result.principal, apiKeyId: result.key.id };
  };
}

export type ManagementAuth = ReturnType<typeof createManagementAuth>;
