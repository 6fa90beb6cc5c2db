import { generateKeyPairSync, verify } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { encodedJwtHeader } from './signing-keys.js';
import { signJwt } from './token-service.js';

describe('signJwt', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const payload = { iss: 'https://keyward.example', sub: 'sa-1', aud: 'lkc-1', iat: 1_800_000_000, nbf: 1_800_000_000, exp: 1_800_003_600, jti: 'j-1', scope: 'kafka é', key_id: 'K1' };

  it('writes the protected header {"alg":"ES256","kid":…,"typ":"JWT"} in that order', () => {
    expect(Buffer.from(encodedJwtHeader('kw-1'), 'base64url').toString()).toBe('{"alg":"ES256","kid":"kw-1","typ":"JWT"}');
  });

  it('makes a compact ES256 JWS that jose verifies, with the claims as given', async () => {
    const token = await signJwt(encodedJwtHeader('kw-1'), payload, privateKey);
    const [header, body, signature] = token.split('.');
    expect(Buffer.from(body!, 'base64url').toString('utf8')).toBe(JSON.stringify(payload));
    // JWA §3.4: r||s, 32 bytes each, not DER
    expect(Buffer.from(signature!, 'base64url')).toHaveLength(64);
    expect(verify('sha256', Buffer.from(`${header}.${body}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature!, 'base64url'))).toBe(true);
    const verified = await jwtVerify(token, publicKey, { algorithms: ['ES256'], issuer: payload.iss, audience: 'lkc-1', currentDate: new Date(1_800_000_100_000) });
    expect(verified.payload).toEqual(payload);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: 'kw-1', typ: 'JWT' });
  });

  it('signs every token afresh (ECDSA nonces): two tokens of the same claims differ and both verify', async () => {
    const [a, b] = await Promise.all([signJwt(encodedJwtHeader('kw-1'), payload, privateKey), signJwt(encodedJwtHeader('kw-1'), payload, privateKey)]);
    expect(a).not.toBe(b);
    for (const token of [a, b]) await expect(jwtVerify(token, publicKey, { currentDate: new Date(1_800_000_100_000) })).resolves.toBeTruthy();
  });

  it('rejects, never resolves, when the key cannot sign ES256', async () => {
    const ed25519 = generateKeyPairSync('ed25519').privateKey;
    await expect(signJwt(encodedJwtHeader('kw-1'), payload, ed25519)).rejects.toThrow();
  });
});
