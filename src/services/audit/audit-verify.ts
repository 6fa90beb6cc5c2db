import { auditEventsRepo, type AuditEventRow } from '../../store/repositories/audit-events.js';
import { auditChainsRepo, type AuditChainRow, type AuditRegistryRow } from '../../store/repositories/audit-chains.js';
import type { Executor } from '../../store/repositories/executor.js';
import { organizationCrn } from '../../domain/crn.js';
import type { CallContext, ServiceDeps } from '../context.js';
import type { AuditKey } from './audit-key.js';
import { toRow } from './audit-log.js';
import { eventHash, GENESIS_HASH, legacyEventHash } from './chain.js';
import { floorMac, headMac, namesDigest, registrySealProblem } from './chain-registry.js';
import { checkpointSignatureProblem, parseCheckpoint, type Checkpoint, type CheckpointChain } from './checkpoint.js';
import type { CloudEvent } from './cloud-event.js';
import { auditRetentionDays } from './retention.js';

/** A break: an event (id, seq, time), a chain (no id), or the registry itself (chain ''). */
export interface BrokenEvent {
  /** The event's id (from its row: the JSON may be what was edited), when one event is at fault. */
  id?: string;
  chain: string;
  seq?: number;
  time?: string;
  reason: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Chains registered or holding events. */
  chains: number;
  /** Events stored in those chains (a broken chain is checked up to its first break). */
  events: number;
  /** The first break: registry-level breaks first, then the earliest (by time). */
  firstBroken?: BrokenEvent;
  /** How many chains (or the registry) are broken. */
  brokenChains: number;
  /** The checkpoint given as anchor, when one was: every chain of it was checked against it. */
  anchor?: { id: string; time: string; chains: number };
}

export interface Inspection extends VerifyResult {
  registry: { chains: number; digest: string };
  /** What verify saw of each chain: the state a checkpoint certifies. */
  verified: CheckpointChain[];
}

export interface VerifyOptions {
  anchor?: Checkpoint;
  /** The retention in force (days; 0 keeps forever): events an anchor covers may be gone only if expired. */
  retentionDays: number;
  now: Date;
}

const INDEXED_COLUMNS = ['chain', 'seq', 'id', 'time', 'type', 'method', 'principal', 'api_key', 'result', 'prev_hash', 'hash', 'target'] as const;
const DAY_MS = 86_400_000;

function parseEvent(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function columnMismatch(row: AuditEventRow, event: Record<string, unknown>): string | undefined {
  let expected: ReturnType<typeof toRow>;
  try {
    expected = toRow(event as unknown as CloudEvent);
  } catch {
    return 'the stored event lacks the fields of an audit event';
  }
  for (const column of INDEXED_COLUMNS) {
    const stored: unknown = row[column];
    const derived: unknown = expected[column];
    if (column === 'seq' ? Number(stored) !== Number(derived) : (stored ?? null) !== (derived ?? null)) {
      return `column ${column} (${JSON.stringify(stored)}) does not match the stored event (${JSON.stringify(derived ?? null)})`;
    }
  }
  return undefined;
}

type Hasher = (event: Omit<CloudEvent, 'keywardhash'>) => string;

/**
 * Checks one event against its own JSON and its predecessor: the recomputed hash (HMAC under the
 * audit key, or sha256 for a legacy chain), the link to the previous hash, and the indexed columns.
 * Returns the reason it is broken, or undefined.
 */
export function checkEvent(row: AuditEventRow, expected: { seq: number; prevHash: string }, hash: Hasher): string | undefined {
  const seq = Number(row.seq);
  if (seq < expected.seq) return `seq ${seq} is out of order (expected ${expected.seq})`;
  if (seq === expected.seq + 1) return `event ${expected.seq} of this chain is missing`;
  if (seq > expected.seq) return `events ${expected.seq} to ${seq - 1} of this chain are missing`;
  const event = parseEvent(row.event);
  if (!event) return 'the stored event is not valid JSON';
  const { keywardhash, ...unhashed } = event;
  if (typeof unhashed.keywardprevhash !== 'string') return 'the stored event has no keywardprevhash';
  const recomputed = hash(unhashed as Omit<CloudEvent, 'keywardhash'>);
  if (recomputed !== keywardhash) return 'the event was modified: its hash does not match its content under the audit key';
  if (row.hash !== recomputed) return 'the stored hash does not match the event';
  if (row.prev_hash !== expected.prevHash || unhashed.keywardprevhash !== expected.prevHash) {
    return expected.seq === 1 && expected.prevHash === GENESIS_HASH
      ? 'the first event of the chain does not start from the genesis hash'
      : 'keywardprevhash does not match the hash of the previous event';
  }
  return columnMismatch(row, event);
}

/** An anchored head of one chain, with the checkpoint it comes from. */
interface Target {
  head: CheckpointChain;
  from: string;
}

function sealedHead(key: AuditKey, row: AuditChainRow | undefined): row is AuditChainRow {
  return row !== undefined && row.head_mac === headMac(key, row);
}

function sealedFloor(key: AuditKey, row: AuditChainRow | undefined): row is AuditChainRow {
  return row !== undefined && row.floor_mac === floorMac(key, row);
}

/**
 * The events an anchor covers may be gone only as retention removes them: the floor may have
 * risen past the anchor's floor only to an event the anchor's day marks show as older than the
 * retention in force. Returns the reason when not.
 */
function retentionProblem(target: Target, floorSeq: number, options: VerifyOptions): string | undefined {
  if (floorSeq <= target.head.floor_seq) return undefined;
  const covered = Math.min(floorSeq, target.head.head_seq);
  if (covered <= target.head.floor_seq) return undefined;
  if (options.retentionDays <= 0) return `events up to seq ${covered}, covered by ${target.from}, were removed although retention keeps events forever`;
  const day = (target.head.days ?? []).find(([, last]) => last >= covered)?.[0] ?? target.head.head_time?.slice(0, 10);
  const cutoff = options.now.getTime() - options.retentionDays * DAY_MS;
  if (day === undefined || !(Date.parse(`${day}T00:00:00.000Z`) < cutoff)) {
    return `events up to seq ${covered}, covered by ${target.from}, were removed before their retention of ${options.retentionDays} days expired`;
  }
  return undefined;
}

/**
 * Verifies one registered chain in seq order, from just after its retention floor to its
 * registered head: both sealed under the audit key, every event hashed under it and linked to the
 * previous one, and the last event equal to the head. Events beyond the head, or missing up to it,
 * are reported. Heads and floors read again when writers or retention moved them meanwhile.
 */
async function verifyChain(db: Executor, key: AuditKey, registered: AuditChainRow, targets: Target[], options: VerifyOptions): Promise<{ events: number; broken?: BrokenEvent; verified: CheckpointChain }> {
  const chain = registered.name;
  const hash: Hasher = registered.keyed ? (event) => eventHash(key, event) : legacyEventHash;
  let row = registered;
  let broken: BrokenEvent | undefined;
  if (!sealedHead(key, row)) broken = { chain, reason: 'the registered head of this chain was modified: its seal does not match' };
  else if (!sealedFloor(key, row)) broken = { chain, reason: 'the retention floor of this chain was modified: its seal does not match' };
  let expected = { seq: row.floor_seq + 1, prevHash: row.floor_hash };
  let last: { seq: number; hash: string; time?: string } = { seq: row.floor_seq, hash: row.floor_hash };
  const days = new Map<string, number>();
  const pinned = new Map<number, Target[]>();
  for (const target of targets) pinned.set(target.head.head_seq, [...(pinned.get(target.head.head_seq) ?? []), target]);
  let events = 0;
  let first = true;
  let prunedMeanwhile = Number.NEGATIVE_INFINITY;
  const inspect = async (event: AuditEventRow): Promise<void> => {
    events += 1;
    if (broken) return; // counted, not checked: one break per chain is reported
    const seq = Number(event.seq);
    if (seq <= prunedMeanwhile) {
      events -= 1; // read before retention removed it: not part of the chain any more
      return;
    }
    if (first && seq !== expected.seq) {
      // Retention may have raised the floor since it was read (even past events of the batch in hand):
      // read it again before judging.
      const current = await auditChainsRepo.get(db, chain);
      if (sealedFloor(key, current) && current.floor_seq > row.floor_seq && current.floor_seq + 1 >= seq) {
        row = { ...row, floor_seq: current.floor_seq, floor_hash: current.floor_hash, floor_mac: current.floor_mac };
        expected = { seq: current.floor_seq + 1, prevHash: current.floor_hash };
        prunedMeanwhile = current.floor_seq;
        if (seq <= prunedMeanwhile) {
          events -= 1;
          return;
        }
      }
    }
    first = false;
    if (seq > row.head_seq) {
      // The writer may have moved the head since it was read.
      const current = await auditChainsRepo.get(db, chain);
      if (sealedHead(key, current) && current.head_seq >= seq) row = { ...row, head_seq: current.head_seq, head_hash: current.head_hash, head_mac: current.head_mac };
      else {
        broken = { id: event.id, chain, seq, time: event.time, reason: `seq ${seq} lies beyond the registered head of this chain (seq ${row.head_seq}): the event was added outside keyward` };
        return;
      }
    }
    const reason = checkEvent(event, expected, hash);
    if (reason) {
      broken = { id: event.id, chain, seq, time: event.time, reason };
      return;
    }
    for (const target of pinned.get(seq) ?? []) {
      if (target.head.head_hash !== event.hash) broken = { id: event.id, chain, seq, time: event.time, reason: `the event differs from ${target.from}: the chain was rewritten` };
    }
    expected = { seq: seq + 1, prevHash: event.hash };
    last = { seq, hash: event.hash, time: event.time };
    days.set(event.time.slice(0, 10), seq);
  };
  let after: number | undefined;
  for (;;) {
    let progressed = false;
    for await (const event of auditEventsRepo.streamChain(db, chain, after)) {
      progressed = true;
      await inspect(event);
    }
    // A pass ends with the last batch it read: if the writer moved the head beyond it meanwhile, read on.
    if (broken || !progressed || last.seq >= row.head_seq) break;
    after = last.seq;
  }
  if (!broken && last.seq < row.head_seq) {
    const current = await auditChainsRepo.get(db, chain); // retention may have emptied the chain meanwhile
    if (sealedFloor(key, current) && sealedHead(key, current) && current.floor_seq === current.head_seq && current.floor_hash === current.head_hash) {
      row = current;
      last = { seq: current.floor_seq, hash: current.floor_hash };
    } else {
      const from = last.seq + 1;
      broken = {
        chain, seq: from,
        reason: from === row.head_seq
          ? `event ${from} of this chain is missing: the registered head is seq ${row.head_seq}`
          : `events ${from} to ${row.head_seq} of this chain are missing: the registered head is seq ${row.head_seq}`,
      };
    }
  }
  if (!broken && last.hash !== row.head_hash) broken = { chain, seq: last.seq, reason: 'the last event of this chain does not match its registered head' };
  if (!broken) {
    for (const target of targets) {
      const anchored = target.head;
      if (anchored.head_seq > row.head_seq) {
        broken = { chain, reason: `the chain was rolled back: its registered head (seq ${row.head_seq}) is below ${target.from} (seq ${anchored.head_seq})` };
      } else if (anchored.head_seq === row.floor_seq && anchored.head_hash !== row.floor_hash) {
        broken = { chain, seq: anchored.head_seq, reason: `the retention floor differs from ${target.from}: the chain was rewritten` };
      } else {
        const problem = retentionProblem(target, row.floor_seq, options);
        if (problem) broken = { chain, seq: Math.min(row.floor_seq, anchored.head_seq), reason: problem };
      }
      if (broken) break;
    }
  }
  const verified: CheckpointChain = {
    name: chain, host: row.host, keyed: row.keyed === 1, head_seq: last.seq, head_hash: last.hash,
    ...(last.time ? { head_time: last.time } : {}), floor_seq: row.floor_seq, days: [...days.entries()],
  };
  return broken ? { events, broken, verified } : { events, verified };
}

function byTime(a: BrokenEvent, b: BrokenEvent): number {
  const ta = a.time ?? '';
  const tb = b.time ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.chain !== b.chain) return a.chain < b.chain ? -1 : 1;
  return (a.seq ?? 0) - (b.seq ?? 0);
}

/** The registry and its chains, read together (PostgreSQL: no chain registers meanwhile). */
async function readRegistry(db: Executor): Promise<{ registry: AuditRegistryRow | undefined; chains: AuditChainRow[] }> {
  return db.transaction().execute(async (trx) => {
    const registry = await auditChainsRepo.registry(trx, { lock: 'share' });
    return { registry, chains: await auditChainsRepo.all(trx) };
  });
}

/**
 * Verifies the whole audit log: the registry's seal (count and digest of its chains), every
 * registered chain up to its sealed head, no events outside a registered chain, and the heads of
 * the latest stored checkpoint and of the anchor (a checkpoint shipped out of the database).
 */
export async function inspectAuditChains(db: Executor, key: AuditKey, options: VerifyOptions): Promise<Inspection> {
  const { registry, chains } = await readRegistry(db);
  const broken: BrokenEvent[] = [];
  const registryBroken: BrokenEvent[] = [];
  const state = { chains: chains.length, digest: namesDigest(key, chains.map((c) => c.name)) };
  const sealProblem = registrySealProblem(key, registry);
  if (sealProblem) registryBroken.push({ chain: '', reason: sealProblem });
  else if (registry && (registry.chains !== state.chains || registry.digest !== state.digest)) {
    registryBroken.push({
      chain: '',
      reason: registry.chains !== state.chains
        ? `the registry holds ${state.chains} chains but its seal counts ${registry.chains}: a chain's registry row was deleted or added`
        : `the registry's chains are not the ones its seal covers: a chain's registry row was replaced`,
    });
  }
  const wrongKey = registry?.key_id !== undefined && registry.key_id !== null && registry.key_id !== key.id;
  const targets = new Map<string, Target[]>();
  const anchors: Array<{ checkpoint: Checkpoint; from: string }> = [];
  const stored = await auditChainsRepo.latestCheckpoint(db);
  if (stored) {
    try {
      anchors.push({ checkpoint: parseCheckpoint(JSON.parse(stored.document)), from: `the stored checkpoint of ${stored.created_at}` });
    } catch {
      registryBroken.push({ chain: '', reason: `the stored checkpoint ${stored.id} is not a valid checkpoint document` });
    }
  }
  if (options.anchor) anchors.push({ checkpoint: options.anchor, from: `the checkpoint of ${options.anchor.time}` });
  const known = new Set(chains.map((c) => c.name));
  for (const { checkpoint, from } of anchors) {
    const problem = checkpointSignatureProblem(key, checkpoint);
    if (problem) {
      registryBroken.push({ chain: '', reason: problem });
      continue;
    }
    for (const head of checkpoint.chains) {
      if (!known.has(head.name)) {
        broken.push({ chain: head.name, seq: head.head_seq, reason: `the chain is gone from the registry, though ${from} lists it with head seq ${head.head_seq}` });
        continue;
      }
      targets.set(head.name, [...(targets.get(head.name) ?? []), { head, from }]);
    }
  }

  let events = 0;
  const verified: CheckpointChain[] = [];
  const check = async (chain: AuditChainRow) => {
    const outcome = await verifyChain(db, key, chain, targets.get(chain.name) ?? [], options);
    events += outcome.events;
    verified.push(outcome.verified);
    if (outcome.broken) broken.push(outcome.broken);
  };
  let later = 0;
  if (!wrongKey) {
    for (const chain of chains) await check(chain);
    for (const { chain, events: count } of await auditEventsRepo.chains(db)) {
      if (known.has(chain)) continue;
      later += 1;
      // A chain registered since the registry was read is verified like the others.
      const current = await auditChainsRepo.get(db, chain);
      if (current) await check(current);
      else {
        events += count;
        broken.push({ chain, reason: `this chain holds ${count} event${count === 1 ? '' : 's'} but is not registered: written outside keyward, or its registry row was deleted` });
      }
    }
  }
  broken.sort(byTime);
  const all = [...registryBroken, ...broken];
  const result: Inspection = {
    ok: all.length === 0, chains: chains.length + later, events, brokenChains: all.length, registry: state, verified,
  };
  if (all[0]) result.firstBroken = all[0];
  if (options.anchor) result.anchor = { id: options.anchor.id, time: options.anchor.time, chains: options.anchor.chains.length };
  return result;
}

export async function verifyAuditChains(db: Executor, key: AuditKey, options: Partial<VerifyOptions> = {}): Promise<VerifyResult> {
  const { registry: _registry, verified: _verified, ...result } = await inspectAuditChains(db, key, {
    retentionDays: options.retentionDays ?? (await auditRetentionDays(db)),
    now: options.now ?? new Date(),
    ...(options.anchor ? { anchor: options.anchor } : {}),
  });
  return result;
}

export function createAuditVerifyService(deps: Pick<ServiceDeps, 'db' | 'authz' | 'organizationId' | 'audit' | 'clock'>) {
  return {
    /** `anchor`: a checkpoint document (as `audit-log checkpoint` wrote it), checked for shape here. */
    async verify(ctx: CallContext, anchor?: unknown): Promise<VerifyResult> {
      await deps.authz.require(ctx, 'audit:read', organizationCrn(deps.organizationId));
      const parsed = anchor === undefined ? undefined : parseCheckpoint(anchor);
      return verifyAuditChains(deps.db, deps.audit.key, { now: deps.clock(), ...(parsed ? { anchor: parsed } : {}) });
    },
  };
}

export type AuditVerifyService = ReturnType<typeof createAuditVerifyService>;
