import type { Kysely } from 'kysely';

/**
 * The web console's sessions (DESIGN §10): one row per live session, keyed by a public `id` (named in
 * audit events) and found by `token_hash`, the SHA-256 of the cookie's token (the token itself is never
 * stored). A session belongs to the cloud key it was created with (`api_key_id`, owned by `owner_id`); the key's and its
 * owner's state are read on every request, so a session ends as soon as its key is disabled, deleted
 * or expired. `last_seen_at` (written at most once a minute) drives the idle expiry, `expires_at` is the
 * absolute one. Frozen in time: it must not import application code.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('console_sessions')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('api_key_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('owner_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('owner_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_seen_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('console_sessions_api_key').on('console_sessions').columns(['api_key_id', 'created_at']).execute();
  await db.schema.createIndex('console_sessions_owner').on('console_sessions').column('owner_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('console_sessions').execute();
}
