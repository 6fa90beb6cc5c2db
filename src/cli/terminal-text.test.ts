import { describe, expect, it } from 'vitest';
import { escapeForTerminal } from './terminal-text.js';

describe('escapeForTerminal', () => {
  it('writes control characters, ANSI escapes and bidi overrides as visible escapes', () => {
    expect(escapeForTerminal('a\x1b[2J\x1b]0;pwned\x07b\nc\td\re\x7f\x9b')).toBe('a\\x1b[2J\\x1b]0;pwned\\x07b\\nc\\td\\re\\x7f\\x9b');
    expect(escapeForTerminal('evil\u202etxt.exe')).toBe('evil\\u202etxt.exe');
    expect(escapeForTerminal('C:\\x1b')).toBe('C:\\\\x1b');
  });

  it('leaves ordinary names alone, Unicode included', () => {
    for (const name of ['/tmp/config.env', 'répertoire/файл 名前.txt', 'a b/c-d_e.f']) expect(escapeForTerminal(name)).toBe(name);
  });
});
