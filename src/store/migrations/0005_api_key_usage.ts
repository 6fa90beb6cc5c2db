import type { Kysely } from 'kysely';

/**
 * Per-key usage (DESIGN §3 `…/api-keys/{id}/usage`): how many authentications of key `api_key` had
 * `outcome` (a verification code) in `minute` (minutes since the epoch, UTC). Rows are added to, never
 * rewritten: every instance upserts `count = count + excluded.count`. Read per key and minute range
 * (the primary key); pruned by minute with the audit retention (the index). Frozen in time: it must
 * not import application code.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_key_usage')
    .addColumn('api_key', 'varchar(32)', (c) => c.notNull())
    .addColumn('minute', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'varchar(32)', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('api_key_usage_pk', ['api_key', 'minute', 'outcome'])
    .execute();
  await db.schema.createIndex('api_key_usage_minute').on('api_key_usage').column('minute').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_key_usage').execute();
}
