import { auditEventsRepo, type AuditEventRow, type ChainFloor } from '../../store/repositories/audit-events.js';
import type { Executor } from '../../store/repositories/executor.js';
import { organizationCrn } from '../../domain/crn.js';
import type { CallContext, ServiceDeps } from '../context.js';
import { toRow } from './audit-log.js';
import { eventHash, GENESIS_HASH } from './chain.js';
import type { CloudEvent } from './cloud-event.js';

export interface BrokenEvent {
  /** The event's id (from its row: the JSON may be what was edited). */
  id: string;
  chain: string;
  seq: number;
  time: string;
  reason: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Chains holding at least one event. */
  chains: number;
  /** Events stored in those chains (a broken chain is checked up to its first break). */
  events: number;
  /** The earliest (by time) first break among the broken chains. */
  firstBroken?: BrokenEvent;
  /** How many chains are broken. */
  brokenChains: number;
}

const INDEXED_COLUMNS = ['chain', 'seq', 'id', 'time', 'type', 'method', 'principal', 'api_key', 'result', 'prev_hash', 'hash'] as const;

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

/**
 * Checks one event against its own JSON and its predecessor: the recomputed hash, the link to the
 * previous hash, and the indexed columns. Returns the reason it is broken, or undefined.
 */
export function checkEvent(row: AuditEventRow, expected: { seq: number; prevHash: string }): string | undefined {
  const seq = Number(row.seq);
  if (seq < expected.seq) return `seq ${seq} is out of order (expected ${expected.seq})`;
  if (seq === expected.seq + 1) return `event ${expected.seq} of this chain is missing`;
  if (seq > expected.seq) return `events ${expected.seq} to ${seq - 1} of this chain are missing`;
  const event = parseEvent(row.event);
  if (!event) return 'the stored event is not valid JSON';
  const { keywardhash, ...unhashed } = event;
  if (typeof unhashed.keywardprevhash !== 'string') return 'the stored event has no keywardprevhash';
  const recomputed = eventHash(unhashed as Omit<CloudEvent, 'keywardhash'>);
  if (recomputed !== keywardhash) return 'the event was modified: its hash does not match its content';
  if (row.hash !== recomputed) return 'the stored hash does not match the event';
  if (row.prev_hash !== expected.prevHash || unhashed.keywardprevhash !== expected.prevHash) {
    return expected.seq === 1 && expected.prevHash === GENESIS_HASH
      ? 'the first event of the chain does not start from the genesis hash'
      : 'keywardprevhash does not match the hash of the previous event';
  }
  return columnMismatch(row, event);
}

/**
 * Verifies one chain in seq order. A chain starts at seq 1 from the genesis hash, or, once
 * retention has removed its oldest events, just after its floor (the last removed event's seq and
 * hash, kept in `settings`): removing events any other way is reported.
 */
async function verifyChain(
  db: Executor,
  chain: string,
  floor: ChainFloor | undefined,
): Promise<{ events: number; broken?: BrokenEvent }> {
  let expected = floor ? { seq: floor.seq + 1, prevHash: floor.hash } : { seq: 1, prevHash: GENESIS_HASH };
  let events = 0;
  let broken: BrokenEvent | undefined;
  let first = true;
  for await (const row of auditEventsRepo.streamChain(db, chain)) {
    events += 1;
    if (broken) continue; // counted, not checked: one break per chain is reported
    if (first && Number(row.seq) !== expected.seq) {
      // Retention may have raised the floor since it was read: read it again before judging.
      const current = await auditEventsRepo.floor(db, chain);
      if (current && current.seq + 1 === Number(row.seq)) expected = { seq: current.seq + 1, prevHash: current.hash };
    }
    first = false;
    const reason = checkEvent(row, expected);
    if (reason) broken = { id: row.id, chain, seq: Number(row.seq), time: row.time, reason };
    expected = { seq: Number(row.seq) + 1, prevHash: row.hash };
  }
  return broken ? { events, broken } : { events };
}

/** Verifies every chain; each broken chain is reported at its first break, the earliest one wins. */
export async function verifyAuditChains(db: Executor): Promise<VerifyResult> {
  const floors = await auditEventsRepo.floors(db);
  const chains = await auditEventsRepo.chains(db);
  let events = 0;
  const broken: BrokenEvent[] = [];
  for (const { chain } of chains) {
    const outcome = await verifyChain(db, chain, floors.get(chain));
    events += outcome.events;
    if (outcome.broken) broken.push(outcome.broken);
  }
  broken.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : a.seq - b.seq));
  const result: VerifyResult = { ok: broken.length === 0, chains: chains.length, events, brokenChains: broken.length };
  if (broken[0]) result.firstBroken = broken[0];
  return result;
}

export function createAuditVerifyService(deps: Pick<ServiceDeps, 'db' | 'authz' | 'organizationId'>) {
  return {
    async verify(ctx: CallContext): Promise<VerifyResult> {
      await deps.authz.require(ctx, 'audit:read', organizationCrn(deps.organizationId));
      return verifyAuditChains(deps.db);
    },
  };
}

export type AuditVerifyService = ReturnType<typeof createAuditVerifyService>;
