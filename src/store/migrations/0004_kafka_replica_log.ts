import type { Kysely } from 'kysely';

/**
 * The Kafka brokers' replica revision and change log (DESIGN §8).
 *
 * `replica_revision` has one row (id 1): `revision`, advanced by one in the transaction of every change
 * that alters a broker's replica (an UPDATE of this row, so on PostgreSQL its row lock orders those
 * commits: revision n+1 never becomes visible before n), and `floor`, the highest revision pruned from
 * the log (a broker whose revision is below it must fetch the whole replica again).
 * `replica_changes` holds what each revision changed: one row per changed thing (`kind` `api-key`,
 * `owner`, `grants` or `all`; `target` the key id, owner id or principal, null for everything), kept
 * bounded by pruning. Frozen in time: it must not import application code.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('replica_revision')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addColumn('floor', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('replica_revision').values({ id: 1, revision: 0, floor: 0 }).execute();

  await db.schema
    .createTable('replica_changes')
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('target', 'varchar(64)')
    .addColumn('time', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('replica_changes_pk', ['revision', 'position'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('replica_changes').execute();
  await db.schema.dropTable('replica_revision').execute();
}
