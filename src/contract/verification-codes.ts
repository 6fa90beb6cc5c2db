/**
 * The verification codes (the outcome of checking a key and secret, DESIGN §3) and how each one is
 * answered: by `POST /keyward/v1/verify` (status, whether the body gives the reason), by
 * `GET /keyward/v1/auth/basic` (status, error code, challenge) and by `POST /oauth2/token` (RFC 6749
 * error and status). The routes read this table; none restates it.
 */
import { USAGE_OUTCOMES } from '../domain/usage.js';

/** Every verification code, VALID first; the usage rollup counts one per outcome. */
export const VERIFICATION_CODES = USAGE_OUTCOMES;
export type VerificationCode = (typeof VERIFICATION_CODES)[number];
export type VerificationFailureCode = Exclude<VerificationCode, 'VALID'>;

/** The error codes of the management error body these answers use (their statuses are the registry's). */
export type BasicErrorCode = 'user_unauthenticated' | 'user_unauthorized' | 'too_many_requests';
/** The RFC 6749 §5.2 errors a client authentication may end in. */
export type OAuthClientError = 'invalid_client' | 'temporarily_unavailable';

export interface FailureAnswer {
  /** `POST /keyward/v1/verify`: the status of the result body (`{"valid":false,"code":…}`). */
  verifyStatus: 200 | 429;
  /** Whether the verify body and the token error give the failure's reason (never for INVALID_CREDENTIALS: an unknown key and a wrong secret must look alike). */
  showsReason: boolean;
  /** Whether every answer carries `Retry-After`. */
  retryAfter: boolean;
  /** `GET /keyward/v1/auth/basic`: the error body's code (its status is the error registry's), detail, and whether it challenges with `WWW-Authenticate: Basic`. */
  basic: { status: 401 | 403 | 429; error: BasicErrorCode; detail: string; challenge: boolean };
  /** `POST /oauth2/token`: the RFC 6749 error; `description` is followed by the reason where `showsReason`, except for a 429. */
  oauth: { status: 401 | 429; error: OAuthClientError; description: string };
}

/** VALID: the verify body (200), auth/basic's 204 with the principal's headers, a token (200). */
export const VALID_ANSWER = { verifyStatus: 200, basicStatus: 204, oauthStatus: 200 } as const;

/** nginx's `auth_request` reads only the status; a 401 challenges so that a browser asks again. */
const CHALLENGE = { status: 401, error: 'user_unauthenticated', detail: 'Invalid API key or secret', challenge: true } as const;
const CLIENT_FAILED = { status: 401, error: 'invalid_client', description: 'Client authentication failed' } as const;
const TOO_MANY = 'Too many failed attempts; try again later';

export const FAILURE_ANSWERS: Readonly<Record<VerificationFailureCode, FailureAnswer>> = {
  INVALID_CREDENTIALS: { verifyStatus: 200, showsReason: false, retryAfter: false, basic: CHALLENGE, oauth: CLIENT_FAILED },
  EXPIRED: { verifyStatus: 200, showsReason: true, retryAfter: false, basic: CHALLENGE, oauth: CLIENT_FAILED },
  DISABLED: { verifyStatus: 200, showsReason: true, retryAfter: false, basic: CHALLENGE, oauth: CLIENT_FAILED },
  WRONG_RESOURCE: {
    verifyStatus: 200, showsReason: true, retryAfter: false,
    basic: { status: 403, error: 'user_unauthorized', detail: 'This API key is not for this resource', challenge: false },
    oauth: CLIENT_FAILED,
  },
  FORBIDDEN: {
    verifyStatus: 200, showsReason: true, retryAfter: false,
    basic: { status: 403, error: 'user_unauthorized', detail: 'The action is not allowed', challenge: false },
    oauth: CLIENT_FAILED,
  },
  RATE_LIMITED: {
    verifyStatus: 429, showsReason: true, retryAfter: true,
    basic: { status: 429, error: 'too_many_requests', detail: TOO_MANY, challenge: false },
    oauth: { status: 429, error: 'temporarily_unavailable', description: TOO_MANY },
  },
};

/** The RFC 6749 error description of a failed client authentication: with the reason only where the table shows it. */
export function oauthDescription(code: VerificationFailureCode, reason: string): string {
  const { showsReason, oauth } = FAILURE_ANSWERS[code];
  return showsReason && oauth.status === 401 ? `${oauth.description}: ${reason}` : oauth.description;
}
