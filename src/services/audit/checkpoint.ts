import { errors } from '../../domain/errors.js';
import type { AuditKey } from './audit-key.js';
import { canonicalJson } from './chain.js';

export const CHECKPOINT_KIND = 'AuditCheckpoint';
export const CHECKPOINT_VERSION = 1;

/** One chain as a checkpoint saw it: its verified head and its retention floor. */
export interface CheckpointChain {
  name: string;
  host: string;
  keyed: boolean;
  /** The last event verified (0 with the genesis hash for a chain without events yet). */
  head_seq: number;
  head_hash: string;
  /** That event's time (absent for a chain without events). */
  head_time?: string;
  floor_seq: number;
  /** Per UTC day with events since the floor, the last seq of that day: lets a later verify tell retention from deletion. */
  days?: Array<[string, number]>;
}

/**
 * A signed statement of every chain's head, meant to be shipped outside the database (as
 * CloudTrail's digest files are): whoever later holds it can prove that no event up to those heads
 * was removed or rewritten, even by someone holding the database and the audit key.
 */
export interface Checkpoint {
  kind: typeof CHECKPOINT_KIND;
  version: typeof CHECKPOINT_VERSION;
  id: string;
  time: string;
  organization: string;
  /** The id (a public fingerprint) of the audit key. */
  key_id: string;
  registry: { chains: number; digest: string };
  chains: CheckpointChain[];
  /** Ed25519 public key (raw, base64) derived from the audit key; the signature verifies under it. */
  public_key: string;
  /** Ed25519 over the canonical JSON of every other field (base64). */
  signature: string;
}

export type UnsignedCheckpoint = Omit<Checkpoint, 'signature'>;

function signedText(checkpoint: UnsignedCheckpoint): string {
  const { kind, version, id, time, organization, key_id, registry, chains, public_key } = checkpoint;
  return canonicalJson({ kind, version, id, time, organization, key_id, registry, chains, public_key });
}

export function signCheckpoint(key: AuditKey, checkpoint: UnsignedCheckpoint): Checkpoint {
  return { ...checkpoint, signature: key.signCheckpoint(signedText(checkpoint)) };
}

const HEX64 = /^[0-9a-f]{64}$/;

function isChain(value: unknown): value is CheckpointChain {
  const c = value as Partial<CheckpointChain> | null;
  return (
    c !== null && typeof c === 'object' && typeof c.name === 'string' && c.name.length <= 64 && typeof c.host === 'string' &&
    typeof c.keyed === 'boolean' && Number.isSafeInteger(c.head_seq) && (c.head_seq as number) >= 0 &&
    typeof c.head_hash === 'string' && HEX64.test(c.head_hash) && (c.head_time === undefined || typeof c.head_time === 'string') &&
    Number.isSafeInteger(c.floor_seq) && (c.floor_seq as number) >= 0 &&
    (c.days === undefined || (Array.isArray(c.days) && c.days.every((d) => Array.isArray(d) && typeof d[0] === 'string' && Number.isSafeInteger(d[1]))))
  );
}

/** A checkpoint document as read from a file or a request body: its shape, or 400. */
export function parseCheckpoint(value: unknown): Checkpoint {
  const c = value as Partial<Checkpoint> | null;
  const valid =
    c !== null && typeof c === 'object' && !Array.isArray(c) && c.kind === CHECKPOINT_KIND && c.version === CHECKPOINT_VERSION &&
    typeof c.id === 'string' && typeof c.time === 'string' && !Number.isNaN(Date.parse(c.time)) && typeof c.organization === 'string' &&
    typeof c.key_id === 'string' && typeof c.public_key === 'string' && typeof c.signature === 'string' &&
    c.registry !== null && typeof c.registry === 'object' && Number.isSafeInteger(c.registry.chains) && typeof c.registry.digest === 'string' &&
    Array.isArray(c.chains) && c.chains.every(isChain);
  if (!valid) throw errors.badRequest(`The anchor is not a keyward audit checkpoint (kind ${CHECKPOINT_KIND}, version ${CHECKPOINT_VERSION}, as keyward audit-log checkpoint writes it)`);
  return c as Checkpoint;
}

/** Why the checkpoint's signature does not hold under this audit key, or undefined. */
export function checkpointSignatureProblem(key: AuditKey, checkpoint: Checkpoint): string | undefined {
  if (checkpoint.public_key !== key.publicKey || checkpoint.key_id !== key.id) {
    return `the checkpoint of ${checkpoint.time} was signed with another audit key (id ${checkpoint.key_id}; this server's is ${key.id})`;
  }
  if (!key.verifyCheckpoint(signedText(checkpoint), checkpoint.signature)) return `the checkpoint of ${checkpoint.time} was modified: its signature does not verify`;
  return undefined;
}
