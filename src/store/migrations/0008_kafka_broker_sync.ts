import type { Kysely } from 'kysely';

/**
 * Each Kafka broker's sync state (DESIGN §8, the console's "Kafka clusters" page): one row per
 * (`cluster_id`, `broker`), where `broker` is the plugin's `X-Keyward-Broker` (its node.id) or, for a plugin
 * that does not send it, `unknown@<client address>`. `revision` is what keyward last gave the broker (the
 * replica's revision, or the last revision its change stream reached; null while it has only sent events),
 * `last_seen_at` its last request, `client_address` where that came from. `stream_instance` and
 * `stream_seen_at` say that an instance holds an open change stream of the broker and when it last
 * confirmed it: a stream counts as open only while that time is recent, so a dead instance's stream does
 * not count forever. Writes are throttled per broker. Frozen in time: it must not import application code.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('kafka_broker_sync')
    .addColumn('cluster_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('broker', 'varchar(128)', (c) => c.notNull())
    .addColumn('revision', 'bigint')
    .addColumn('last_seen_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('client_address', 'varchar(64)', (c) => c.notNull())
    .addColumn('stream_instance', 'varchar(64)')
    .addColumn('stream_seen_at', 'varchar(32)')
    .addPrimaryKeyConstraint('kafka_broker_sync_pk', ['cluster_id', 'broker'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('kafka_broker_sync').execute();
}
