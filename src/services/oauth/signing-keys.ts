import { createPrivateKey, randomUUID, type JsonWebKey as NodeJsonWebKey, type KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Database, SigningKeysTable } from '../../store/database.js';
import type { ChangeBus } from '../changes.js';
import { decryptPrivateKey, encryptPrivateKey } from './key-encryption.js';

export const SIGNING_ALG = 'ES256';

/** A public EC P-256 key as published in the JWKS. */
export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: string;
  use: string;
}

export interface ActiveSigningKey {
  kid: string;
  /** A Node KeyObject: signing with node:crypto directly costs half what WebCrypto does. */
  privateKey: KeyObject;
  /** The JWS protected header of every token this key signs, base64url-encoded once. */
  encodedHeader: string;
}

/** `{"alg":"ES256","kid":…,"typ":"JWT"}` in base64url: the header is the same for every token of a key. */
export function encodedJwtHeader(kid: string): string {
  return Buffer.from(JSON.stringify({ alg: SIGNING_ALG, kid, typ: 'JWT' })).toString('base64url');
}

export interface SigningKeyStoreOptions {
  db: Kysely<Database>;
  clock: () => Date;
  changes: ChangeBus;
  masterKey?: string;
  /** How long issued tokens live: a retired key stays in the JWKS at least this long (plus skew). */
  tokenTtlSeconds: number;
}

const SKEW_MS = 60_000;

/**
 * ES256 signing keys kept in the store so that every instance signs alike. The newest unretired
 * key signs; retired keys stay in the JWKS until the last token they signed has expired.
 */
export class SigningKeyStore {
  private active?: Promise<ActiveSigningKey>;
  private jwks?: Promise<{ keys: PublicJwk[] }>;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: SigningKeyStoreOptions) {
    this.unsubscribe = options.changes.subscribe((change) => {
      if (change.kind === 'signing-keys' || change.kind === 'all') this.forget();
    });
  }

  forget(): void {
    this.active = undefined;
    this.jwks = undefined;
  }

  close(): void {
    this.unsubscribe();
  }

  private async newKeyRow(now: Date): Promise<SigningKeysTable> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const kid = `kw-${now.toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
    const privateJwk = JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG });
    const masterKey = this.options.masterKey;
    return {
      kid,
      alg: SIGNING_ALG,
      public_jwk: JSON.stringify(publicJwk),
      private_jwk: masterKey ? encryptPrivateKey(privateJwk, masterKey) : privateJwk,
      encrypted: masterKey ? 1 : 0,
      created_at: now.toISOString(),
      retired_at: null,
      expires_at: null,
    };
  }

  private async load(): Promise<ActiveSigningKey> {
    const { db } = this.options;
    let row = await db.selectFrom('signing_keys').selectAll().where('retired_at', 'is', null).orderBy('created_at', 'desc').orderBy('kid', 'desc').executeTakeFirst();
    if (!row) {
      // Several instances may get here at once; each inserts one, and all then sign with the newest.
      await db.insertInto('signing_keys').values(await this.newKeyRow(this.options.clock())).execute();
      row = await db.selectFrom('signing_keys').selectAll().where('retired_at', 'is', null).orderBy('created_at', 'desc').orderBy('kid', 'desc').executeTakeFirstOrThrow();
    }
    const privateJwk = JSON.parse(row.encrypted ? decryptPrivateKey(row.private_jwk, this.options.masterKey) : row.private_jwk) as JWK;
    return { kid: row.kid, privateKey: createPrivateKey({ key: privateJwk as NodeJsonWebKey, format: 'jwk' }), encodedHeader: encodedJwtHeader(row.kid) };
  }

  /** The key that signs now (loaded once, reloaded after a rotation anywhere). */
  signingKey(): Promise<ActiveSigningKey> {
    if (!this.active) {
      this.active = this.load();
      this.active.catch(() => (this.active = undefined));
    }
    return this.active;
  }

  /** Public keys of the signing key and of retired keys whose tokens may still be alive. */
  publicKeys(): Promise<{ keys: PublicJwk[] }> {
    if (!this.jwks) {
      this.jwks = (async () => {
        await this.signingKey();
        const now = this.options.clock().toISOString();
        const rows = await this.options.db
          .selectFrom('signing_keys')
          .select(['public_jwk', 'expires_at'])
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
          .orderBy('created_at', 'desc')
          .execute();
        return { keys: rows.map((r) => JSON.parse(r.public_jwk) as PublicJwk) };
      })();
      this.jwks.catch(() => (this.jwks = undefined));
      // retired keys drop out on expiry: reload the set at least once a minute
      setTimeout(() => (this.jwks = undefined), 60_000).unref();
    }
    return this.jwks;
  }

  /** Starts signing with a new key; inside the caller's transaction (audited, announced). */
  async rotate(trx: Kysely<Database>): Promise<{ kid: string; retired: string[]; retiredKeysExpireAt: string }> {
    const now = this.options.clock();
    const expiresAt = new Date(now.getTime() + this.options.tokenTtlSeconds * 1000 + SKEW_MS).toISOString();
    const previous = await trx.selectFrom('signing_keys').select('kid').where('retired_at', 'is', null).execute();
    await trx.updateTable('signing_keys').set({ retired_at: now.toISOString(), expires_at: expiresAt }).where('retired_at', 'is', null).execute();
    const row = await this.newKeyRow(now);
    await trx.insertInto('signing_keys').values(row).execute();
    return { kid: row.kid, retired: previous.map((p) => p.kid), retiredKeysExpireAt: expiresAt };
  }
}
