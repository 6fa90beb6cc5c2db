import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../../store/database.js';

/** Everything verification needs about a key, in one row: what the cache holds. */
export interface KeyRecord {
  id: string;
  secretHash: string;
  status: string;
  expiresAt: string | null;
  ownerId: string;
  ownerKind: 'user' | 'service-account';
  ownerStatus: string;
  resourceId: string;
  resourceKind: 'cloud' | 'kafka' | 'schema-registry';
  environment: string | null;
}

function keyRecordQuery(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('api_keys as k')
    .leftJoin('users as u', 'u.id', 'k.owner_id')
    .leftJoin('service_accounts as s', 's.id', 'k.owner_id')
    .leftJoin('clusters as c', 'c.id', 'k.resource_id')
    .select(['k.id', 'k.secret_hash', 'k.status', 'k.expires_at', 'k.owner_id', 'k.owner_kind', 'k.resource_id', 'k.resource_kind', 'u.status as user_status', 's.status as sa_status', 'c.environment_id'])
    .where('k.id', '=', id);
}

type KeyRecordRow = NonNullable<Awaited<ReturnType<ReturnType<typeof keyRecordQuery>['executeTakeFirst']>>>;

/** The lookup is compiled once per store: a cache miss then costs the database, not the query builder. */
const compiled = new WeakMap<Kysely<Database>, CompiledQuery>();

/** One round trip: the key joined with its owner and its resource's environment. */
export async function loadKeyRecord(db: Kysely<Database>, id: string): Promise<KeyRecord | undefined> {
  let query = compiled.get(db);
  if (!query) compiled.set(db, (query = keyRecordQuery(db, '?').compile()));
  const { rows } = await db.executeQuery<KeyRecordRow>(CompiledQuery.raw(query.sql, [id]));
  const row = rows[0];
  if (!row) return undefined;
  const ownerStatus = (row.owner_kind === 'user' ? row.user_status : row.sa_status) ?? 'DELETED';
  return {
    id: row.id,
    secretHash: row.secret_hash,
    status: row.status,
    expiresAt: row.expires_at,
    ownerId: row.owner_id,
    ownerKind: row.owner_kind,
    ownerStatus,
    resourceId: row.resource_id,
    resourceKind: row.resource_kind,
    environment: row.environment_id ?? null,
  };
}
