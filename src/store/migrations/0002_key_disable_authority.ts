import type { Kysely } from 'kysely';

/**
 * Who disabled an API key, why and when, so that only a principal with at least that authority
 * re-enables it (DESIGN §9): `disabled_reason` is `owner` (its owner disabled it), `admin` (another
 * principal did: `disabled_by`), `leak` (a leak report: OrganizationAdmin only) or `unknown` (disabled
 * before this migration: OrganizationAdmin only, failing closed). All three are null while the key is
 * enabled. Frozen in time: it must not import application code.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('disabled_by', 'varchar(16)').execute();
  await db.schema.alterTable('api_keys').addColumn('disabled_reason', 'varchar(16)').execute();
  await db.schema.alterTable('api_keys').addColumn('disabled_at', 'varchar(32)').execute();
  await db.updateTable('api_keys').set({ disabled_reason: 'unknown' }).where('status', '=', 'DISABLED').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('disabled_at').execute();
  await db.schema.alterTable('api_keys').dropColumn('disabled_reason').execute();
  await db.schema.alterTable('api_keys').dropColumn('disabled_by').execute();
}
