import { SECRET_SHAPE, isWellFormedSecret } from '../secrets.js';

export interface SecretInText {
  /** 1-based line number. */
  line: number;
  /** 1-based column of the secret's first character, in UTF-16 code units. */
  column: number;
  /** The raw secret: the caller hashes it to find its key and never prints it. */
  secret: string;
}

/** A character that can continue an identifier-like run, so a secret must not touch one. */
const WORD = '[0-9A-Za-z_]';

/**
 * The secret's shape with word boundaries on both sides: 64 characters inside a longer run of
 * `[0-9A-Za-z_]` (say `xkw_…` or `kw_…zz`) are part of something else, not a keyward secret.
 */
const STANDALONE_SECRET_SHAPE = new RegExp(`(?<!${WORD})${SECRET_SHAPE.source}(?!${WORD})`, 'g');

/**
 * Finds keyward API secrets in text: the `kw_` prefix, the exact shape, boundaries on both sides,
 * and a matching checksum (so a random string of the same shape is not reported).
 */
export function findSecretsInText(text: string): SecretInText[] {
  const found: SecretInText[] = [];
  let line = 1;
  let lineStart = 0;
  let counted = 0; // newlines before this offset are already counted
  for (const match of text.matchAll(STANDALONE_SECRET_SHAPE)) {
    const secret = match[0];
    if (!isWellFormedSecret(secret)) continue;
    for (let nl = text.indexOf('\n', counted); nl !== -1 && nl < match.index; nl = text.indexOf('\n', nl + 1)) {
      line++;
      lineStart = nl + 1;
    }
    counted = match.index;
    found.push({ line, column: match.index - lineStart + 1, secret });
  }
  return found;
}
