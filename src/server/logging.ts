import type { FastifyServerOptions } from 'fastify';
import { maskSecretsInText } from '../domain/mask-secrets.js';

/** Credential-bearing parameters, in a query string, a form body or JSON. */
const CREDENTIAL_NAMES = 'client_secret|secret|api_secret|password|token|access_token|refresh_token|assertion';
const FORM_CREDENTIAL = new RegExp(`((?:^|[?&\\s"'\\\\]|\\\\[rn])(?:${CREDENTIAL_NAMES})=)[^&\\s"'\\\\]*`, 'gi');
const JSON_CREDENTIAL = new RegExp(`((?:\\\\?")(?:${CREDENTIAL_NAMES})(?:\\\\?")\\s*:\\s*(?:\\\\?"))(?:[^"\\\\]|\\\\(?!"))*`, 'gi');
/** `Authorization: Basic …` / `Bearer …` (and any other scheme's token), wherever it is quoted. */
const AUTHORIZATION_VALUE = /\b(basic|bearer|digest|negotiate)(\s+|%20|\+)[A-Za-z0-9+/=._~%-]+/gi;
/** A JWT (an OAuth access token), even without its scheme. */
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
/** A SHA-256 hex digest: what a secret is stored as. */
const DIGEST = /\b[0-9a-fA-F]{64}\b/g;
/** Base64 long enough to hold `key:secret`; decoded to see whether it does. */
const BASE64_RUN = /[A-Za-z0-9+/]{80,}={0,2}/g;

function hidesSecret(base64: string): boolean {
  const decoded = Buffer.from(base64, 'base64').toString('latin1');
  return decoded.includes('kw_') || maskSecretsInText(decoded) !== decoded;
}

/**
 * The last line of defence: every log line, whatever logged it and at whatever level, loses
 * keyward secrets, credential parameters, Authorization values, JWTs, digests and base64 that
 * carries a secret before it is written. The serializers below keep those out in the first place.
 */
export function scrubLogLine(line: string): string {
  return maskSecretsInText(line)
    .replace(AUTHORIZATION_VALUE, '$1$2[redacted]')
    .replace(JWT, '[jwt]')
    .replace(FORM_CREDENTIAL, '$1[redacted]')
    .replace(JSON_CREDENTIAL, '$1[redacted]')
    .replace(DIGEST, '[digest]')
    .replace(BASE64_RUN, (run) => (hidesSecret(run) ? '[redacted]' : run));
}

/** The request as logged: method, path without its query string (which may carry credentials), id. */
function requestSerializer(request: { method?: string; url?: string; id?: string }) {
  return { method: request.method, url: typeof request.url === 'string' ? request.url.split('?')[0] : undefined, id: request.id };
}

/** Errors as logged: never `rawPacket` (Node's copy of the bytes received), headers or bodies. */
function errorSerializer(error: unknown): { type: string; message: string; stack: string; [key: string]: unknown } {
  if (!error || typeof error !== 'object') return { type: typeof error, message: String(error), stack: '' };
  const { name, type, code, message, statusCode } = error as Record<string, unknown>;
  // The stack names only our own files; kept so that an internal error can be traced.
  const stack = (error as { stack?: unknown }).stack;
  return { type: String(type ?? name ?? 'Error'), code, statusCode, message: typeof message === 'string' ? message : '', stack: typeof stack === 'string' ? stack : '' };
}

/** The server's logger options at `level` (KEYWARD_LOG_LEVEL): the same protection at every level. */
export function loggerOptions(level: string): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level,
    serializers: { req: requestSerializer, err: errorSerializer, error: errorSerializer },
    redact: {
      paths: ['req.headers', 'req.body', 'req.query', 'headers', 'body', 'query', 'rawPacket', 'err.rawPacket', 'error.rawPacket', '*.authorization', '*.cookie', '*.secret', '*.client_secret'],
      censor: '[redacted]',
    },
    hooks: { streamWrite: scrubLogLine },
  };
}
