import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../src/server/runtime.js';
import { loadOrCreateKeyFile, type AuditKey } from '../../src/services/audit/audit-key.js';
import { createAuditLog, toRow } from '../../src/services/audit/audit-log.js';
import { verifyAuditChains } from '../../src/services/audit/audit-verify.js';
import { takeCheckpoint } from '../../src/services/audit/audit-checkpoint.js';
import { eventHash, legacyEventHash } from '../../src/services/audit/chain.js';
import { floorMac, headMac, namesDigest, registryMac } from '../../src/services/audit/chain-registry.js';
import type { Checkpoint } from '../../src/services/audit/checkpoint.js';
import type { CloudEvent } from '../../src/services/audit/cloud-event.js';
import type { Executor } from '../../src/store/repositories/executor.js';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';
import { basic } from '../helpers/runtime.js';

/**
 * The audit trail cannot be cut or rewritten unnoticed (issue 8 §4). Fifteen kinds of tampering,
 * each applied to a fresh store on both dialects, in two arrangements:
 *
 * A. write access to the database alone (no audit key): every kind is detected by `verify`;
 * B. write access to the database and the data directory (the audit key file too), so every
 *    forgery is re-hashed and re-sealed perfectly and the stored checkpoints are deleted: `verify`
 *    without an anchor is fooled (shown), `verify --anchor` with a checkpoint shipped before the
 *    tampering detects every kind, for everything up to that checkpoint.
 *
 * The world: the bootstrap chain, the server's management and data-plane chains, and a "dead"
 * chain written by another writer with a 63-character host name that exits and is never written
 * again (the chain that used to be truncatable silently).
 */

const LONG_HOST = 'keyward-api-7f9c8d6b5-x2x9z.orders-production.svc.cluster.local'; // 63 characters
const EVENTS_IN_DEAD_CHAIN = 6;

interface World {
  runtime: Runtime;
  db: Executor;
  key: AuditKey;
  keyFile: string;
  dead: string;
  management: string;
  close(): Promise<void>;
}

type Row = { chain: string; seq: number; id: string; event: string; hash: string; prev_hash: string };

async function chainRows(db: Executor, chain: string): Promise<Row[]> {
  const rows = await db.selectFrom('audit_events').select(['chain', 'seq', 'id', 'event', 'hash', 'prev_hash']).where('chain', '=', chain).orderBy('seq').execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

async function setWorld(database: TestDatabase): Promise<World> {
  const keyDir = mkdtempSync(join(tmpdir(), 'keyward-audit-key-'));
  // SQLite: the key file lives in the data directory; PostgreSQL: wherever KEYWARD_AUDIT_KEY_FILE says.
  const keyFile = database.options.dataDir ? join(database.options.dataDir, 'audit.key') : join(keyDir, 'audit.key');
  const runtime = await createRuntime({
    ...database.options, publicUrl: 'http://keyward.test', bootstrap: true, lock: true, auditKeyFile: keyFile, auditHost: LONG_HOST,
  });
  const admin = runtime.bootstrapped!;
  for (const name of ['orders', 'billing', 'search']) {
    const res = await runtime.app.inject({
      method: 'POST', url: '/iam/v2/service-accounts', headers: { authorization: basic(admin.key, admin.secret), 'content-type': 'application/json' },
      payload: { display_name: name, description: name },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  for (let i = 0; i < 3; i++) {
    runtime.audit.record({ type: 'io.keyward.authentication', method: 'keyward.Verify', subject: 'crn://keyward/organization=o', status: i === 1 ? 'UNAUTHENTICATED' : 'SUCCESS' });
  }
  await runtime.audit.flush();
  const writer = createAuditLog({ db: runtime.store.db, key: runtime.audit.key, source: 'crn://keyward', clock: () => new Date(), host: LONG_HOST });
  for (let i = 0; i < EVENTS_IN_DEAD_CHAIN; i++) {
    await writer.transaction(async (_trx, record) => record({ type: 'io.keyward.management', method: 'iam.CreateServiceAccount', subject: 'crn://keyward/organization=o', status: 'SUCCESS', details: { n: i } }));
  }
  await writer.close();
  return {
    runtime, db: runtime.store.db, key: loadOrCreateKeyFile(keyFile), keyFile, dead: writer.chains.management, management: runtime.audit.chains.management,
    async close() {
      await runtime.close();
      await database.drop();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

/** Rewrites one stored event's JSON (and the columns derived from it). */
async function rewrite(db: Executor, chain: string, seq: number, event: CloudEvent): Promise<void> {
  const { chain: _c, seq: _s, ...columns } = toRow(event);
  await db.updateTable('audit_events').set({ ...columns, chain: event.keywardchain, seq: event.keywardseq }).where('chain', '=', chain).where('seq', '=', seq).execute();
}

/** Moves a chain's events out of the way of renumbering (the primary key is chain + seq). */
async function park(db: Executor, chain: string): Promise<void> {
  const rows = await chainRows(db, chain);
  for (const row of rows) await db.updateTable('audit_events').set({ seq: -1_000_000 - row.seq }).where('chain', '=', chain).where('seq', '=', row.seq).execute();
}

/**
 * Re-hashes a chain from its floor, renumbering its events 1, 2, … in their current order, with
 * `hash` (the attacker's: sha256 without the key, or the HMAC with it). Returns the new head.
 */
async function rechain(db: Executor, chain: string, hash: (event: Omit<CloudEvent, 'keywardhash'>) => string): Promise<{ seq: number; hash: string }> {
  const registered = await db.selectFrom('audit_chains').selectAll().where('name', '=', chain).executeTakeFirst();
  let seq = registered ? Number(registered.floor_seq) : 0;
  let prev = registered ? registered.floor_hash : '0'.repeat(64);
  const rows = await chainRows(db, chain);
  await park(db, chain);
  for (const row of rows) {
    seq += 1;
    const { keywardhash: _h, ...event } = JSON.parse(row.event) as CloudEvent;
    const unhashed = { ...event, keywardchain: chain, keywardseq: seq, keywardprevhash: prev };
    const full = { ...unhashed, keywardhash: hash(unhashed) } as CloudEvent;
    await rewrite(db, chain, -1_000_000 - row.seq, full);
    prev = full.keywardhash;
  }
  return { seq, hash: prev };
}

/** The key holder's cover-up: re-hash and re-seal every chain, the registry, and drop the stored checkpoints. */
async function coverUp(db: Executor, key: AuditKey): Promise<void> {
  const chains = await db.selectFrom('audit_chains').selectAll().execute();
  const names = chains.map((c) => c.name);
  // events of a chain whose registry row is gone would give it away: delete them too
  if (names.length === 0) await db.deleteFrom('audit_events').execute();
  else await db.deleteFrom('audit_events').where('chain', 'not in', names).execute();
  for (const chain of chains) {
    const head = await rechain(db, chain.name, Number(chain.keyed) ? (e) => eventHash(key, e) : legacyEventHash);
    const row = { ...chain, pid: Number(chain.pid), keyed: Number(chain.keyed), floor_seq: Number(chain.floor_seq), head_seq: head.seq, head_hash: head.hash };
    await db.updateTable('audit_chains').set({ head_seq: head.seq, head_hash: head.hash, head_mac: headMac(key, row), floor_mac: floorMac(key, row) }).where('name', '=', chain.name).execute();
  }
  const sealed = { key_id: key.id, chains: names.length, digest: namesDigest(key, names) };
  const registry = { ...sealed, updated_at: new Date().toISOString(), mac: registryMac(key, sealed) };
  const updated = await db.updateTable('audit_registry').set(registry).where('id', '=', 1).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await db.insertInto('audit_registry').values({ id: 1, ...registry }).execute();
  await db.deleteFrom('audit_checkpoints').execute();
}

/** What an attacker knows without the key: the unkeyed sha256 the chains used to be. */
const unkeyed = legacyEventHash;

interface Attack {
  /** `hash`: sha256 without the key (A) or the HMAC with it (B). */
  tamper(w: World, hash: (event: Omit<CloudEvent, 'keywardhash'>) => string): Promise<void>;
  /** What verify says with the database alone (A). */
  reason: RegExp;
}

async function deleteSeqs(db: Executor, chain: string, seqs: number[]): Promise<void> {
  await db.deleteFrom('audit_events').where('chain', '=', chain).where('seq', 'in', seqs).execute();
}

async function setHead(db: Executor, chain: string, head: { seq: number; hash: string }): Promise<void> {
  await db.updateTable('audit_chains').set({ head_seq: head.seq, head_hash: head.hash }).where('name', '=', chain).execute();
}

/** Inserts a copy of event `seq` of `chain` as a new event at `at` (a fresh id), shifting the later ones up. */
async function insertCopy(w: World, chain: string, seq: number, at: number, edit: (e: CloudEvent) => void = () => undefined): Promise<void> {
  const rows = await chainRows(w.db, chain);
  const source = rows.find((r) => r.seq === seq)!;
  for (const row of [...rows].reverse()) if (row.seq >= at) await w.db.updateTable('audit_events').set({ seq: row.seq + 1 }).where('chain', '=', chain).where('seq', '=', row.seq).execute();
  const copy = JSON.parse(source.event) as CloudEvent;
  copy.id = `0190f000-0000-7000-8000-${String(at).padStart(12, '0')}`;
  copy.keywardseq = at;
  edit(copy);
  await w.db.insertInto('audit_events').values(toRow(copy)).execute();
}

const ATTACKS: Record<string, Attack> = {
  '1. delete the last n events of a chain': {
    tamper: (w) => deleteSeqs(w.db, w.dead, [EVENTS_IN_DEAD_CHAIN - 1, EVENTS_IN_DEAD_CHAIN]),
    reason: /events 5 to 6 of this chain are missing: the registered head is seq 6/,
  },
  '2. delete a whole chain': {
    tamper: async (w) => void (await w.db.deleteFrom('audit_events').where('chain', '=', w.dead).execute()),
    reason: /events 1 to 6 of this chain are missing/,
  },
  '3. empty the table': {
    tamper: async (w) => void (await w.db.deleteFrom('audit_events').execute()),
    reason: /of this chain are missing|of this chain is missing/,
  },
  '4. edit an event and recompute the chain': {
    tamper: async (w, hash) => {
      const [, second] = await chainRows(w.db, w.dead);
      await w.db.updateTable('audit_events').set({ event: second!.event.replace('"SUCCESS"', '"FAILURE"'), result: 'FAILURE' }).where('id', '=', second!.id).execute();
      await setHead(w.db, w.dead, await rechain(w.db, w.dead, hash));
    },
    reason: /modified/,
  },
  '5. delete a middle event and renumber': {
    tamper: async (w, hash) => {
      await deleteSeqs(w.db, w.dead, [3]);
      await setHead(w.db, w.dead, await rechain(w.db, w.dead, hash));
    },
    reason: /modified/,
  },
  '6. forge the retention floor': {
    tamper: async (w) => {
      const rows = await chainRows(w.db, w.dead);
      await deleteSeqs(w.db, w.dead, [1, 2]);
      await w.db.updateTable('audit_chains').set({ floor_seq: 2, floor_hash: rows[1]!.hash }).where('name', '=', w.dead).execute();
    },
    reason: /retention floor of this chain was modified/,
  },
  '7. append a forged event': {
    // B: forged into the range the checkpoint covers (one appended after it is outside its reach)
    tamper: async (w, hash) => {
      await insertCopy(w, w.dead, 2, 3, (e) => (e.data = { ...e.data, methodName: 'iam.DeleteAPIKey' }));
      await setHead(w.db, w.dead, await rechain(w.db, w.dead, hash));
    },
    reason: /modified/,
  },
  '8. edit one event without recomputing': {
    tamper: async (w) => {
      const [, , third] = await chainRows(w.db, w.dead);
      await w.db.updateTable('audit_events').set({ event: third!.event.replace('"SUCCESS"', '"FAILURE"'), result: 'FAILURE' }).where('id', '=', third!.id).execute();
    },
    reason: /the event was modified/,
  },
  '9. reorder two events': {
    tamper: async (w) => {
      await w.db.updateTable('audit_events').set({ seq: -1 }).where('chain', '=', w.dead).where('seq', '=', 2).execute();
      await w.db.updateTable('audit_events').set({ seq: 2 }).where('chain', '=', w.dead).where('seq', '=', 3).execute();
      await w.db.updateTable('audit_events').set({ seq: 3 }).where('chain', '=', w.dead).where('seq', '=', -1).execute();
    },
    reason: /.+/,
  },
  '10. duplicate (replay) an event': {
    tamper: (w) => insertCopy(w, w.dead, 2, 3),
    reason: /.+/,
  },
  '11. move an event to another chain': {
    tamper: async (w) => {
      const head = (await chainRows(w.db, w.management)).at(-1)!.seq;
      await w.db.updateTable('audit_events').set({ chain: w.management, seq: head + 1 }).where('chain', '=', w.dead).where('seq', '=', 3).execute();
    },
    reason: /event 3 of this chain is missing|beyond the registered head/,
  },
  '12. delete the registry row of a chain': {
    tamper: async (w) => void (await w.db.deleteFrom('audit_chains').where('name', '=', w.dead).execute()),
    reason: /a chain's registry row was deleted or added/,
  },
  '13. roll back a chain\'s registry head with its events': {
    tamper: async (w) => {
      const rows = await chainRows(w.db, w.dead);
      await deleteSeqs(w.db, w.dead, [5, 6]);
      await setHead(w.db, w.dead, { seq: 4, hash: rows[3]!.hash });
    },
    reason: /registered head of this chain was modified/,
  },
  '14. edit a registry head': {
    tamper: async (w, hash) => {
      // rewrite the last event and point the head at it
      const rows = await chainRows(w.db, w.dead);
      const last = JSON.parse(rows.at(-1)!.event) as CloudEvent;
      last.data = { ...last.data, methodName: 'iam.ListServiceAccounts' };
      const { keywardhash: _h, ...unhashed } = last;
      const forged = { ...unhashed, keywardhash: hash(unhashed) } as CloudEvent;
      await rewrite(w.db, w.dead, last.keywardseq, forged);
      await setHead(w.db, w.dead, { seq: last.keywardseq, hash: forged.keywardhash });
    },
    reason: /modified/,
  },
  '15. delete events and the registry together': {
    tamper: async (w) => {
      await w.db.deleteFrom('audit_events').where('chain', '=', w.dead).execute();
      await w.db.deleteFrom('audit_chains').where('name', '=', w.dead).execute();
    },
    reason: /a chain's registry row was deleted or added/,
  },
  '15b. delete everything: every event, every registry row and the registry seal': {
    tamper: async (w) => {
      await w.db.deleteFrom('audit_events').execute();
      await w.db.deleteFrom('audit_chains').execute();
      await w.db.deleteFrom('audit_registry').execute();
      await w.db.deleteFrom('audit_checkpoints').execute();
    },
    reason: /missing its seal row/,
  },
};

describe.each(DIALECTS)('audit tampering on $name', ({ skip, create }) => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it.skipIf(skip)('the untouched world verifies, its chain names are bounded and the full host name is kept', async () => {
    w = await setWorld(await create());
    expect(await verifyAuditChains(w.db, w.key)).toMatchObject({ ok: true, brokenChains: 0 });
    const chains = await w.db.selectFrom('audit_chains').select(['name', 'host']).execute();
    expect(chains.length).toBeGreaterThanOrEqual(4);
    for (const chain of chains) expect(chain.name.length).toBeLessThanOrEqual(32);
    expect(chains.filter((c) => c.host === LONG_HOST).length).toBeGreaterThanOrEqual(3);
  });

  describe('A: write access to the database alone', () => {
    for (const [kind, attack] of Object.entries(ATTACKS)) {
      it.skipIf(skip)(`detects: ${kind}`, async () => {
        w = await setWorld(await create());
        await attack.tamper(w, unkeyed);
        const result = await verifyAuditChains(w.db, w.key);
        expect(result.ok, kind).toBe(false);
        expect(result.firstBroken?.reason).toMatch(attack.reason);
      });
    }
  });

  describe('B: the database and the data directory (the key), with a checkpoint shipped before', () => {
    for (const [kind, attack] of Object.entries(ATTACKS)) {
      it.skipIf(skip)(`detects up to the checkpoint: ${kind}`, async () => {
        w = await setWorld(await create());
        const shipped: Checkpoint = JSON.parse(JSON.stringify(await takeCheckpoint(w.db, w.key, 'o', new Date())));
        await attack.tamper(w, (e) => eventHash(w!.key, e));
        await coverUp(w.db, w.key);
        // with the key, the forgery is perfect as far as the database can tell …
        expect((await verifyAuditChains(w.db, w.key)).ok, `${kind}: the cover-up`).toBe(true);
        // … but not against the checkpoint kept outside it
        const anchored = await verifyAuditChains(w.db, w.key, { anchor: shipped });
        expect(anchored.ok, kind).toBe(false);
        expect(anchored.firstBroken?.chain).not.toBe('');
      });
    }
  });
});
