import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../domain/errors.js';
import { FAILURE_ANSWERS, VALID_ANSWER, VERIFICATION_CODES, oauthDescription } from './verification-codes.js';

describe('verification codes', () => {
  it('answers every failure code, and VALID apart', () => {
    expect(Object.keys(FAILURE_ANSWERS).sort()).toEqual(VERIFICATION_CODES.filter((c) => c !== 'VALID').sort());
    expect(VALID_ANSWER).toEqual({ verifyStatus: 200, basicStatus: 204, oauthStatus: 200 });
  });

  it('gives auth/basic a status that is its error code\'s, and challenges exactly the 401s', () => {
    for (const answer of Object.values(FAILURE_ANSWERS)) {
      expect(ERROR_CODES[answer.basic.error].status).toBe(answer.basic.status);
      expect(answer.basic.challenge).toBe(answer.basic.status === 401);
    }
  });

  it('keeps an unknown key and a wrong secret alike, and names the reason of the others', () => {
    expect(FAILURE_ANSWERS.INVALID_CREDENTIALS.showsReason).toBe(false);
    expect(oauthDescription('INVALID_CREDENTIALS', 'Invalid API key or secret')).toBe('Client authentication failed');
    expect(oauthDescription('EXPIRED', 'The API key expired at 2026-01-01T00:00:00Z')).toBe('Client authentication failed: The API key expired at 2026-01-01T00:00:00Z');
  });

  it('rate limits with 429 and Retry-After everywhere', () => {
    const limited = FAILURE_ANSWERS.RATE_LIMITED;
    expect([limited.verifyStatus, limited.basic.status, limited.oauth.status, limited.retryAfter]).toEqual([429, 429, 429, true]);
    expect(limited.oauth.error).toBe('temporarily_unavailable');
    expect(oauthDescription('RATE_LIMITED', 'whatever')).toBe('Too many failed attempts; try again later');
    for (const code of ['INVALID_CREDENTIALS', 'EXPIRED', 'DISABLED', 'WRONG_RESOURCE', 'FORBIDDEN'] as const) {
      expect([FAILURE_ANSWERS[code].verifyStatus, FAILURE_ANSWERS[code].oauth.status, FAILURE_ANSWERS[code].oauth.error]).toEqual([200, 401, 'invalid_client']);
    }
  });
});
