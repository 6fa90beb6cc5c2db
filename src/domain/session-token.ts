import { createHmac, randomBytes } from 'node:crypto';
import { SESSION_TOKEN_PREFIX, SESSION_TOKEN_SHAPE } from './secret-format.js';
import { digestsEqual, hashSecret } from './secrets.js';

/**
 * The web console's session token (DESIGN §10): 256 random bits, sent only in the HttpOnly cookie,
 * stored only as its SHA-256. The CSRF token is derived from it (HMAC-SHA256), so any instance can
 * answer it again after a page reload without storing it, and a page on another site, which can make
 * the browser send the cookie but never read it, cannot produce it.
 */
export const SESSION_COOKIE = 'keyward_session';
export const CSRF_HEADER = 'x-csrf-token';

const SHAPE = new RegExp(`^${SESSION_TOKEN_SHAPE.source}$`);

export function newSessionToken(): string {
  return SESSION_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function isWellFormedSessionToken(value: string): boolean {
  return SHAPE.test(value);
}

/** The only form in which a session token is stored. */
export const sessionTokenHash: (token: string) => string = hashSecret;

export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('keyward console CSRF token').digest('base64url');
}

/** Constant-time: both sides are hashed to equal length first, so neither length nor prefix leaks. */
export function csrfTokenMatches(sessionToken: string, presented: string): boolean {
  return digestsEqual(hashSecret(csrfTokenOf(sessionToken)), hashSecret(presented));
}

/** A public id for a session, named in its audit events (never the token). */
export function newSessionId(): string {
  return 'ses-' + randomBytes(9).toString('base64url');
}
