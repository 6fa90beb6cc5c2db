import { resourceCrn } from '../../domain/crn.js';
import { errors } from '../../domain/errors.js';
import type { RequestMetadata, ServiceDeps } from '../context.js';
import type { Verify } from '../verify/verifier.js';

/** The broker whose credential authenticated a request to its cluster's replica, stream or events. */
export interface BrokerIdentity {
  clusterId: string;
  environmentId: string;
  keyId: string;
  /** `User:<owner id>`: the broker's own service account. */
  principal: string;
}

export const BROKER_PERMISSION = 'kafka-replica:sync' as const;

/**
 * A Kafka broker authenticates with HTTP Basic by a key of its cluster whose owner holds KafkaBroker
 * there (the broker permission, which no other role grants). The credential is checked by the one
 * verifier (same brute-force guard, same constant-time checks; failures audited as
 * `keyward.BrokerLogin`): bad credentials → 401; any other valid credential (a cloud key, another
 * cluster's key, a key without KafkaBroker) → 403.
 */
export function createBrokerAuth(deps: Pick<ServiceDeps, 'authz' | 'audit' | 'organizationId'>, verify: Verify) {
  return async function authenticateBroker(clusterId: string, credentials: { key: string; secret: string } | undefined, request: RequestMetadata): Promise<BrokerIdentity> {
    if (!credentials) throw errors.unauthenticated("Authenticate with HTTP Basic using the broker's API key and secret");
    const result = await verify({ key: credentials.key, secret: credentials.secret, resource: clusterId, method: 'keyward.BrokerLogin', mechanism: 'HTTP_BASIC', request, auditSuccess: false });
    if (!result.valid) {
      switch (result.code) {
        case 'RATE_LIMITED':
          throw errors.rateLimited('Too many failed attempts from this address; try again later', result.retryAfterSeconds);
        case 'WRONG_RESOURCE':
          throw errors.forbidden(`This API key is not a KafkaBroker key of ${clusterId}`);
        case 'DISABLED':
        case 'EXPIRED':
          throw errors.unauthenticated(result.reason);
        default:
          throw errors.unauthenticated('Invalid API key or secret');
      }
    }
    const key = result.key;
    const crn = resourceCrn(deps.organizationId, { kind: key.resourceKind, id: key.resourceId, environment: key.environment });
    const decision = key.resourceKind === 'kafka' && key.environment !== null ? await deps.authz.decide({ principal: result.principal, action: BROKER_PERMISSION, resource: { crn } }) : undefined;
    if (!decision?.granted) {
      deps.audit.record({
        type: 'io.keyward.authorization',
        method: 'keyward.BrokerLogin',
        subject: crn,
        principal: result.principal,
        apiKey: key.id,
        mechanism: 'HTTP_BASIC',
        request,
        authorization: { granted: false, operation: BROKER_PERMISSION },
        status: 'UNAUTHORIZED',
        reason: decision?.reason ?? 'not a Kafka cluster key',
      });
      throw errors.forbidden(`This API key is not a KafkaBroker key of ${clusterId}`);
    }
    return { clusterId, environmentId: key.environment as string, keyId: key.id, principal: result.principal };
  };
}

export type BrokerAuth = ReturnType<typeof createBrokerAuth>;
