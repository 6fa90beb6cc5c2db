import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import type { DialectName } from '../store/connect.js';
import type { ChangeBus } from './changes.js';
import type { AuditLog } from './audit/audit-log.js';
import type { Authz } from './authz/authz-service.js';

export type Clock = () => Date;

/** Who is acting: the owner of the cloud key that authenticated the request. */
export interface Actor {
  kind: 'user' | 'service-account';
  id: string;
  principal: string;
  apiKeyId: string;
}

export interface RequestMetadata {
  clientAddress: string;
  requestId: string;
  userAgent: string;
}

export interface CallContext {
  actor: Actor;
  request: RequestMetadata;
  /** How the actor authenticated, as its management events say: HTTP Basic (default) or a console session. */
  mechanism?: 'HTTP_BASIC' | 'CONSOLE_SESSION';
}

/** The whole set createServices builds: each factory takes only the fields it uses (a `Pick` of these). */
export interface ServiceDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  audit: AuditLog;
  changes: ChangeBus;
  organizationId: string;
  /** The one authorizer: every management operation asks it, with the target's CRN. */
  authz: Authz;
}

export function nowIso(clock: Clock): string {
  return clock().toISOString();
}
