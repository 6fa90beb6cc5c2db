import type { Kysely } from 'kysely';

const GENESIS_HASH = '0'.repeat(64);
const FLOOR_PREFIX = 'audit.chain_floor.';

/**
 * The registry of audit chains (one row per chain: its head and retention floor, each sealed by a
 * MAC under the audit key), the registry's own seal (count and digest of the chains, and the id of
 * the key they are sealed with) and the signed checkpoints.
 *
 * The chains written before this migration are unkeyed (sha256): they are registered as legacy
 * chains, with their current head and the retention floor they had in `settings`, unsealed. The
 * first writer holding the audit key seals them (and the registry) and from then on they are
 * verified unkeyed up to that sealed head; nothing may be appended to them. Frozen in time: it must
 * not import application code.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_chains')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('host', 'varchar(255)', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('keyed', 'integer', (c) => c.notNull())
    .addColumn('head_seq', 'bigint', (c) => c.notNull())
    .addColumn('head_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('head_mac', 'varchar(64)')
    .addColumn('floor_seq', 'bigint', (c) => c.notNull())
    .addColumn('floor_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('floor_mac', 'varchar(64)')
    .execute();

  await db.schema
    .createTable('audit_registry')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('key_id', 'varchar(32)')
    .addColumn('chains', 'integer', (c) => c.notNull())
    .addColumn('digest', 'varchar(64)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('mac', 'varchar(64)')
    .execute();

  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_checkpoints_created').on('audit_checkpoints').column('created_at').execute();

  const now = new Date().toISOString();
  const floors = new Map<string, { seq: number; hash: string }>();
  const floorRows: Array<{ value: string }> = await db.selectFrom('settings').select('value').where('name', 'like', `${FLOOR_PREFIX}%`).execute();
  for (const { value } of floorRows) {
    const match = /^(\d{16}) ([0-9a-f]{64}) (.+)$/s.exec(value);
    if (match) floors.set(match[3] as string, { seq: Number(match[1]), hash: match[2] as string });
  }
  const heads: Array<{ chain: string; head: number | string }> = await db
    .selectFrom('audit_events')
    .select(['chain', (eb) => eb.fn.max('seq').as('head')])
    .groupBy('chain')
    .execute();
  const legacy = new Map<string, { headSeq: number; headHash: string }>();
  for (const { chain, head } of heads) {
    const row: { hash: string } | undefined = await db.selectFrom('audit_events').select('hash').where('chain', '=', chain).where('seq', '=', Number(head)).executeTakeFirst();
    legacy.set(chain, { headSeq: Number(head), headHash: row?.hash ?? GENESIS_HASH });
  }
  // A chain that retention emptied completely is known only by its floor.
  for (const [chain, floor] of floors) if (!legacy.has(chain)) legacy.set(chain, { headSeq: floor.seq, headHash: floor.hash });
  for (const [name, head] of legacy) {
    const floor = floors.get(name) ?? { seq: 0, hash: GENESIS_HASH };
    await db
      .insertInto('audit_chains')
      .values({
        name, host: '', pid: 0, created_at: now, keyed: 0,
        head_seq: head.headSeq, head_hash: head.headHash, head_mac: null,
        floor_seq: floor.seq, floor_hash: floor.hash, floor_mac: null,
      })
      .execute();
  }
  await db.insertInto('audit_registry').values({ id: 1, key_id: null, chains: 0, digest: GENESIS_HASH, updated_at: now, mac: null }).execute();
  await db.deleteFrom('settings').where('name', 'like', `${FLOOR_PREFIX}%`).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_checkpoints').execute();
  await db.schema.dropTable('audit_registry').execute();
  await db.schema.dropTable('audit_chains').execute();
}
