import { SECRET_LENGTH, SECRET_PREFIX, SESSION_TOKEN_PREFIX, SESSION_TOKEN_SHAPE, isWellFormedSecret, maskSecret, maskSessionToken } from './secret-format.js';

/**
 * Masks every keyward secret (the `kw_` prefix, 61 characters of `[0-9A-Za-z]`, a valid checksum)
 * found anywhere in free text, as `kw_abcd********wxyz` — the form `keyward scan` prints as
 * `masked_secret`; and every console session token (`kws_` and 43 base64url characters) as
 * `kws_abcd********`. Unlike the scanner it needs no word boundary: a secret pasted against other text
 * (`namekw_…`, `kw_…suffix`) is still a secret. Text without a secret is returned unchanged (the same
 * string), and masking is idempotent: the mask holds `*`, which no secret or token contains.
 */
export function maskSecretsInText(text: string): string {
  const masked = maskApiSecrets(text);
  // a console session token (kws_…) pasted into text is hidden the same way
  return masked.includes(SESSION_TOKEN_PREFIX) ? masked.replace(SESSION_TOKEN_SHAPE, maskSessionToken) : masked;
}

function maskApiSecrets(text: string): string {
  let at = text.indexOf(SECRET_PREFIX);
  if (at === -1) return text;
  let out = '';
  let copied = 0;
  while (at !== -1 && at + SECRET_LENGTH <= text.length) {
    const candidate = text.slice(at, at + SECRET_LENGTH);
    if (isWellFormedSecret(candidate)) {
      out += text.slice(copied, at) + maskSecret(candidate);
      copied = at + SECRET_LENGTH;
      at = text.indexOf(SECRET_PREFIX, copied);
    } else {
      at = text.indexOf(SECRET_PREFIX, at + 1);
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * `maskSecretsInText` over every string of a JSON-like value (object keys included), for audit
 * event data. Values without a secret are returned as they are, so the common case allocates nothing.
 */
export function maskSecretsInValue<T>(value: T): T {
  if (typeof value === 'string') return maskSecretsInText(value) as T;
  if (Array.isArray(value)) {
    let changed: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const masked = maskSecretsInValue(item);
      if (masked !== item) (changed ??= [...value])[index] = masked;
    });
    return (changed ?? value) as T;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let changed: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const maskedKey = maskSecretsInText(key);
      const masked = maskSecretsInValue(item);
      if (masked !== item || maskedKey !== key) {
        changed ??= { ...(value as Record<string, unknown>) };
        if (maskedKey !== key) delete changed[key];
        changed[maskedKey] = masked;
      }
    }
    return (changed ?? value) as T;
  }
  return value;
}
