import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { errors } from '../../domain/errors.js';

/**
 * Encrypts signing keys at rest with AES-256-GCM under a key derived from KEYWARD_MASTER_KEY, so
 * the private key never leaves the store unencrypted when a master key is set.
 */
const VERSION = 'v1';

function derive(masterKey: string): Buffer {
  return createHash('sha256').update(`keyward signing keys\0${masterKey}`).digest();
}

export function encryptPrivateKey(plaintext: string, masterKey: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(masterKey), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
}

export function decryptPrivateKey(stored: string, masterKey: string | undefined): string {
  if (!masterKey) throw errors.unavailable('The OAuth signing keys are encrypted: set KEYWARD_MASTER_KEY to the master key they were written with');
  const [version, iv, tag, body] = stored.split(':');
  if (version !== VERSION || !iv || !tag || !body) throw errors.unavailable('A stored signing key is not in a format this keyward understands');
  try {
    const decipher = createDecipheriv('aes-256-gcm', derive(masterKey), Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw errors.unavailable('KEYWARD_MASTER_KEY does not decrypt the stored signing keys');
  }
}
