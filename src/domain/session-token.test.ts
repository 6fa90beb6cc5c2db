import { describe, expect, it } from 'vitest';
import { maskSecretsInText } from './mask-secrets.js';
import { csrfTokenMatches, csrfTokenOf, isWellFormedSessionToken, newSessionId, newSessionToken, sessionTokenHash } from './session-token.js';

describe('session tokens', () => {
  it('are 256 random bits behind a recognisable prefix, never twice the same', () => {
    const tokens = new Set(Array.from({ length: 200 }, newSessionToken));
    expect(tokens.size).toBe(200);
    for (const token of tokens) expect(isWellFormedSessionToken(token)).toBe(true);
    expect(isWellFormedSessionToken('kws_short')).toBe(false);
    expect(isWellFormedSessionToken(`${newSessionToken()}x`)).toBe(false);
  });

  it('are stored as their SHA-256 only', () => {
    const token = newSessionToken();
    expect(sessionTokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(sessionTokenHash(token)).not.toContain(token.slice(4, 20));
  });

  it('derive one CSRF token each, which only matches exactly', () => {
    const token = newSessionToken();
    const csrf = csrfTokenOf(token);
    expect(csrfTokenOf(token)).toBe(csrf);
    expect(csrf).not.toContain(token.slice(4));
    expect(csrfTokenMatches(token, csrf)).toBe(true);
    expect(csrfTokenMatches(token, csrf.slice(0, -1))).toBe(false);
    expect(csrfTokenMatches(token, `${csrf}a`)).toBe(false);
    expect(csrfTokenMatches(token, '')).toBe(false);
    expect(csrfTokenMatches(newSessionToken(), csrf)).toBe(false);
  });

  it('have public ids unrelated to the token', () => {
    expect(newSessionId()).toMatch(/^ses-[A-Za-z0-9_-]{12}$/);
  });

  it('are masked in free text like API secrets', () => {
    const token = newSessionToken();
    const masked = maskSecretsInText(`pasted ${token}, and again:${token}end`);
    expect(masked).not.toContain(token.slice(8));
    expect(masked).toBe(`pasted ${token.slice(0, 8)}********, and again:${token.slice(0, 8)}********end`);
    expect(maskSecretsInText(masked)).toBe(masked);
  });
});
