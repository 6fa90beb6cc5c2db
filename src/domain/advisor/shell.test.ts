import { describe, expect, it } from 'vitest';
import { shellQuote } from './shell.js';

describe('shellQuote', () => {
  it('leaves plain words alone', () => {
    expect(shellQuote('lkc-abc123')).toBe('lkc-abc123');
    expect(shellQuote('User:sa-abc123')).toBe('User:sa-abc123');
  });

  it('single-quotes words with spaces, quotes or shell metacharacters', () => {
    expect(shellQuote('two words')).toBe("'two words'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
    expect(shellQuote('')).toBe("''");
  });
});
