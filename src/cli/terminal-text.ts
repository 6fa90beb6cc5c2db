const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

/**
 * Text from outside (a file name) made safe to print on a terminal: control characters (C0, DEL,
 * C1, so every ANSI escape sequence) and the bidirectional overrides that can reorder what a reader
 * sees are written as escapes (`\n`, `\t`, `\x1b`, `\u202e`), and a backslash as `\\` so that an
 * escape printed is never ambiguous. Machine output (JSON, YAML) is left exact instead.
 */
export function escapeForTerminal(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\\\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
