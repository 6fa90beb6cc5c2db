import { createHash, createHmac, createPrivateKey, createPublicKey, hkdfSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { errors } from '../../domain/errors.js';

/** The environment variable naming the audit key file (when KEYWARD_MASTER_KEY is not set). */
export const AUDIT_KEY_FILE_ENV = 'KEYWARD_AUDIT_KEY_FILE';
/** The key file's name inside the data directory. */
export const AUDIT_KEY_FILE = 'audit.key';

function subKey(root: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), `keyward audit ${purpose} v1`, 32));
}

// PKCS#8 prefix of an Ed25519 private key: the 32-byte seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The audit key: the root of the keyed hash chains, the registry seals and the checkpoint
 * signatures. It lives outside the database (derived from KEYWARD_MASTER_KEY, or a key file apart
 * from the store). The key material is held in private fields: it never serialises, prints or logs.
 */
export class AuditKey {
  readonly #chain: Buffer;
  readonly #registry: Buffer;
  readonly #signing: KeyObject;
  /** A public fingerprint of the key (an HMAC of a constant), stored in the registry to detect a wrong key. */
  readonly id: string;
  /** The Ed25519 public key checkpoints are signed with (raw, base64). */
  readonly publicKey: string;

  constructor(root: Buffer, readonly origin: 'master-key' | 'key-file') {
    this.#chain = subKey(root, 'chain');
    this.#registry = subKey(root, 'registry');
    this.#signing = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, subKey(root, 'checkpoint')]), format: 'der', type: 'pkcs8' });
    const spki = createPublicKey(this.#signing).export({ format: 'der', type: 'spki' });
    this.publicKey = spki.subarray(spki.length - 32).toString('base64');
    this.id = createHmac('sha256', subKey(root, 'id')).update('keyward audit key id').digest('hex').slice(0, 16);
  }

  /** keywardhash = HMAC-SHA256(chain key, keywardprevhash + canonical event). */
  chainHash(text: string): string {
    return createHmac('sha256', this.#chain).update(text).digest('hex');
  }

  /** The MAC sealing a registry row (a separate sub-key: an event hash never passes for a seal). */
  seal(text: string): string {
    return createHmac('sha256', this.#registry).update(text).digest('hex');
  }

  signCheckpoint(text: string): string {
    return sign(null, Buffer.from(text), this.#signing).toString('base64');
  }

  verifyCheckpoint(text: string, signature: string): boolean {
    try {
      return verify(null, Buffer.from(text), this.#signing, Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  }

  toJSON(): { id: string } {
    return { id: this.id };
  }

  toString(): string {
    return `AuditKey(${this.id})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** The audit key derived from KEYWARD_MASTER_KEY (HKDF-SHA256, its own salt: the signing-key encryption key is unrelated). */
export function auditKeyFromMasterKey(masterKey: string): AuditKey {
  const root = Buffer.from(hkdfSync('sha256', Buffer.from(masterKey, 'utf8'), Buffer.from('keyward audit key'), 'root', 32));
  return new AuditKey(root, 'master-key');
}

function parseKeyFile(path: string, text: string): Buffer {
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw errors.unavailable(`The audit key file ${path} is not a keyward audit key (64 hex digits)`);
  return Buffer.from(hex, 'hex');
}

/**
 * Reads the key file, or creates it: 32 random bytes as hex, written to a temporary file opened
 * with O_EXCL and mode 0600, then hard-linked into place, so that two processes creating it at
 * once agree on one key and nobody ever reads a half-written file.
 */
export function loadOrCreateKeyFile(path: string): AuditKey {
  const file = resolve(path);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const mode = statSync(file).mode & 0o777;
      if ((mode & 0o077) !== 0) throw errors.unavailable(`The audit key file ${file} is readable by others (mode ${mode.toString(8)}): chmod 600 it`);
      return new AuditKey(parseKeyFile(file, readFileSync(file, 'utf8')), 'key-file');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const temporary = join(dirname(file), `.${AUDIT_KEY_FILE}.${process.pid}.${randomBytes(4).toString('hex')}`);
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(32).toString('hex') + '\n');
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(temporary, { force: true });
    }
  }
  throw errors.unavailable(`Could not create the audit key file ${file}`);
}

export interface AuditKeySource {
  /** KEYWARD_MASTER_KEY: when set, the audit key is derived from it and no file is used. */
  masterKey?: string;
  /** KEYWARD_AUDIT_KEY_FILE: where the key file is (default `<data dir>/audit.key`). */
  keyFile?: string;
  /** The data directory (default `./keyward-data`), also on PostgreSQL, where it holds only the key file. */
  dataDir?: string;
}

/** Where the audit key comes from: the master key, else the key file (created on first use). */
export function resolveAuditKey(source: AuditKeySource): AuditKey {
  if (source.masterKey) return auditKeyFromMasterKey(source.masterKey);
  const file = source.keyFile || join(resolve(source.dataDir ?? 'keyward-data'), AUDIT_KEY_FILE);
  return loadOrCreateKeyFile(file);
}

/** The key source of this process's environment. */
export function auditKeySourceFromEnv(dataDir: string | undefined, env: NodeJS.ProcessEnv = process.env): AuditKeySource {
  return { masterKey: env.KEYWARD_MASTER_KEY || undefined, keyFile: env[AUDIT_KEY_FILE_ENV] || undefined, dataDir };
}

/** The unkeyed SHA-256 of the chains written before the audit key existed (legacy chains). */
export function legacyChainHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
