import { errors } from '../../domain/errors.js';
import { auditChainsRepo, type AuditChainRow, type AuditRegistryRow } from '../../store/repositories/audit-chains.js';
import type { Executor } from '../../store/repositories/executor.js';
import type { AuditKey } from './audit-key.js';
import { canonicalJson, GENESIS_HASH } from './chain.js';

/**
 * The registry of audit chains. Each chain's row holds its head (seq and hash of its last event)
 * and its retention floor (the last event retention removed), each sealed by its own MAC under the
 * audit key: the writer moves the head, retention the floor, and neither overwrites the other's
 * seal. The registry row seals how many chains there are and a digest of their names, so that a
 * chain's row cannot be removed (or added) unnoticed.
 */

export function headMac(key: AuditKey, row: Pick<AuditChainRow, 'name' | 'host' | 'pid' | 'created_at' | 'keyed' | 'head_seq' | 'head_hash'>): string {
  return key.seal(canonicalJson({ seal: 'head', name: row.name, host: row.host, pid: row.pid, created_at: row.created_at, keyed: row.keyed, seq: row.head_seq, hash: row.head_hash }));
}

export function floorMac(key: AuditKey, row: Pick<AuditChainRow, 'name' | 'keyed' | 'floor_seq' | 'floor_hash'>): string {
  return key.seal(canonicalJson({ seal: 'floor', name: row.name, keyed: row.keyed, seq: row.floor_seq, hash: row.floor_hash }));
}

export function registryMac(key: AuditKey, row: Pick<AuditRegistryRow, 'key_id' | 'chains' | 'digest'>): string {
  return key.seal(canonicalJson({ seal: 'registry', key_id: row.key_id, chains: row.chains, digest: row.digest }));
}

function xorHex(a: string, b: string): string {
  const out = Buffer.from(a, 'hex');
  const other = Buffer.from(b, 'hex');
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) ^ (other[i] as number);
  return out.toString('hex');
}

/** The order-independent digest of a set of chain names: the XOR of a MAC of each name. */
export function namesDigest(key: AuditKey, names: Iterable<string>): string {
  let digest = GENESIS_HASH;
  for (const name of names) digest = xorHex(digest, key.seal(canonicalJson({ seal: 'member', name })));
  return digest;
}

/** Why the registry's own seal cannot be trusted under this key, or undefined. */
export function registrySealProblem(key: AuditKey, registry: AuditRegistryRow | undefined): string | undefined {
  if (!registry) return 'the audit chain registry is missing its seal row (deleted from the database)';
  if (registry.key_id === null) return 'the audit chain registry was never sealed';
  if (registry.key_id !== key.id) {
    return `the audit chain registry is sealed under another audit key (id ${registry.key_id}; this server's is ${key.id}): ` +
      'every instance sharing a database must use the same KEYWARD_MASTER_KEY or audit key file';
  }
  if (registry.mac !== registryMac(key, registry)) return 'the audit chain registry seal was modified: its MAC does not match';
  return undefined;
}

/**
 * Reads the registry's seal for a change, sealing the store under this key first if it never was
 * (a new store, or the chains of an upgraded one: they are the legacy chains the migration
 * registered, sealed now at their heads). Throws 503 when the seal is missing, broken or under
 * another key: audit writes fail closed rather than extend a registry nobody can verify.
 */
async function openRegistry(trx: Executor, key: AuditKey, now: string): Promise<AuditRegistryRow> {
  const registry = await auditChainsRepo.registry(trx, { lock: 'update' });
  if (registry && registry.key_id === null) {
    const chains = await auditChainsRepo.all(trx);
    if (registry.mac !== null || chains.some((c) => c.keyed !== 0 || c.head_mac !== null || c.floor_mac !== null)) {
      throw errors.unavailable('The audit chain registry lost its key id while sealed chains exist: the audit log was tampered with; run keyward audit-log verify');
    }
    for (const chain of chains) await auditChainsRepo.seal(trx, chain.name, { head_mac: headMac(key, chain), floor_mac: floorMac(key, chain) });
    const sealed = { key_id: key.id, chains: chains.length, digest: namesDigest(key, chains.map((c) => c.name)) };
    const row = { ...sealed, updated_at: now, mac: registryMac(key, sealed) };
    await auditChainsRepo.updateRegistry(trx, row);
    return { id: 1, ...row };
  }
  const problem = registrySealProblem(key, registry);
  if (problem) throw errors.unavailable(`Audit events cannot be written: ${problem}`);
  return registry as AuditRegistryRow;
}

/** Checks (and on first use seals) the registry under this key: a server with the wrong key refuses to start. */
export async function ensureAuditRegistry(db: Executor, key: AuditKey, now: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await openRegistry(trx, key, now);
  });
}

export interface ChainIdentity {
  name: string;
  host: string;
  pid: number;
}

/** Registers a new keyed chain at seq 0 (the genesis hash), in its own transaction. */
export async function registerChain(db: Executor, key: AuditKey, chain: ChainIdentity, now: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const registry = await openRegistry(trx, key, now);
    const row: AuditChainRow = {
      name: chain.name, host: chain.host, pid: chain.pid, created_at: now, keyed: 1,
      head_seq: 0, head_hash: GENESIS_HASH, head_mac: null, floor_seq: 0, floor_hash: GENESIS_HASH, floor_mac: null,
    };
    row.head_mac = headMac(key, row);
    row.floor_mac = floorMac(key, row);
    await auditChainsRepo.insert(trx, row);
    const sealed = { key_id: key.id, chains: registry.chains + 1, digest: xorHex(registry.digest, namesDigest(key, [chain.name])) };
    await auditChainsRepo.updateRegistry(trx, { ...sealed, updated_at: now, mac: registryMac(key, sealed) });
  });
}

/** The sealed head move of a chain, for the writer's batch. */
export function headAdvance(key: AuditKey, chain: AuditChainRow, from: { seq: number; hash: string }, to: { seq: number; hash: string }) {
  return {
    name: chain.name,
    fromSeq: from.seq,
    fromHash: from.hash,
    toSeq: to.seq,
    toHash: to.hash,
    mac: headMac(key, { ...chain, head_seq: to.seq, head_hash: to.hash }),
  };
}

/** Retention raised a chain's floor: the new floor, sealed. Locks the row so two pruners never lower it. */
export async function raiseFloor(trx: Executor, key: AuditKey, name: string, floor: { seq: number; hash: string }): Promise<void> {
  const row = await auditChainsRepo.get(trx, name, { lock: true });
  if (!row) throw errors.unavailable(`The audit chain ${name} is not registered: run keyward audit-log verify`);
  if (row.floor_seq >= floor.seq) return;
  await auditChainsRepo.setFloor(trx, { name, seq: floor.seq, hash: floor.hash, mac: floorMac(key, { ...row, floor_seq: floor.seq, floor_hash: floor.hash }) });
}
