import { randomUUID, sign, type KeyObject } from 'node:crypto';
import { FAILURE_ANSWERS, oauthDescription } from '../../contract/verification-codes.js';
import type { RequestMetadata } from '../context.js';
import type { Verify } from '../verify/verifier.js';
import type { SigningKeyStore } from './signing-keys.js';

/**
 * A compact JWS (RFC 7515) signed with ES256 under a protected header already base64url-encoded
 * (one per signing key): the signature is the raw r||s pair (IEEE P1363), as JWA §3.4 requires.
 * Given a callback, node:crypto signs in libuv's thread pool: the event loop spends only the hand-off
 * on a token, not the elliptic-curve arithmetic (most of a token's cost on it), and the OpenSSL call
 * is the synchronous signer's, cheaper than WebCrypto's. jose still publishes the keys and the
 * tests verify every token with jose and oauth4webapi.
 */
export function signJwt(encodedHeader: string, payload: Record<string, unknown>, key: KeyObject): Promise<string> {
  const input = `${encodedHeader}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return new Promise((resolve, reject) => {
    // the signing input is base64url and dots only: latin1 is its UTF-8 encoding, and cheaper
    sign('sha256', Buffer.from(input, 'latin1'), { key, dsaEncoding: 'ieee-p1363' }, (error, signature) => {
      if (error) reject(error);
      else resolve(`${input}.${signature.toString('base64url')}`);
    });
  });
}

/** RFC 6749 §5.2 errors, as the token endpoint answers them. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope' | 'invalid_grant' | 'temporarily_unavailable';

export type TokenResult =
  | { ok: true; access_token: string; token_type: 'Bearer'; expires_in: number; scope?: string }
  | { ok: false; status: number; error: OAuthErrorCode; error_description: string; retryAfterSeconds?: number };

export interface TokenRequest {
  grantType: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  scope: string | undefined;
  request: RequestMetadata;
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;

export interface TokenServiceOptions {
  verify: Verify;
  keys: SigningKeyStore;
  issuer: string;
  ttlSeconds: number;
  clock: () => Date;
}

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4): the API key is the client id and its secret the
 * client secret. The token is an ES256 JWT whose audience is the key's resource, so a Kafka broker
 * configured with `expected.audience=lkc-…` accepts exactly the keys scoped to it. A token requested
 * without a scope carries no `scope` claim: Kafka's validators refuse an empty one.
 */
export function createTokenService(options: TokenServiceOptions) {
  const fail = (status: number, error: OAuthErrorCode, error_description: string): TokenResult => ({ ok: false, status, error, error_description });

  return async function issueToken(input: TokenRequest): Promise<TokenResult> {
    if (input.grantType === undefined || input.grantType === '') return fail(400, 'invalid_request', 'grant_type is required');
    if (input.grantType !== 'client_credentials') return fail(400, 'unsupported_grant_type', `grant_type "${input.grantType.slice(0, 64)}" is not supported; use client_credentials`);
    if (!input.clientId || !input.clientSecret) return fail(401, 'invalid_client', 'Client authentication failed: send the API key and secret with client_secret_basic or client_secret_post');
    const scope = input.scope?.trim();
    if (scope !== undefined && scope !== '' && !SCOPE.test(scope)) return fail(400, 'invalid_scope', 'scope is not a list of valid scope tokens');

    const result = await options.verify({ key: input.clientId, secret: input.clientSecret, method: 'oauth2.Token', mechanism: 'OAUTH2_CLIENT_CREDENTIALS', request: input.request });
    if (!result.valid) {
      const { oauth, retryAfter } = FAILURE_ANSWERS[result.code];
      return { ...fail(oauth.status, oauth.error, oauthDescription(result.code, result.reason)), ...(retryAfter ? { retryAfterSeconds: result.retryAfterSeconds } : {}) };
    }
    const key = result.key;
    const signing = await options.keys.signingKey();
    const now = Math.floor(options.clock().getTime() / 1000);
    // A token never outlives its key.
    const keyExpiry = key.expiresAt ? Math.floor(new Date(key.expiresAt).getTime() / 1000) : Number.POSITIVE_INFINITY;
    const exp = Math.min(now + options.ttlSeconds, keyExpiry);
    const accessToken = await signJwt(
      signing.encodedHeader,
      { iss: options.issuer, sub: key.ownerId, aud: key.resourceId, iat: now, nbf: now, exp, jti: randomUUID(), ...(scope ? { scope } : {}), key_id: key.id },
      signing.privateKey,
    );
    return { ok: true, access_token: accessToken, token_type: 'Bearer', expires_in: exp - now, ...(scope ? { scope } : {}) };
  };
}

export type IssueToken = ReturnType<typeof createTokenService>;
