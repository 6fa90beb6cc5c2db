import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../domain/errors.js';

/** True when a string anywhere in the value (keys included) holds U+0000; iterative, so any depth is fine. */
export function containsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return true;
    } else if (Array.isArray(item)) {
      for (const element of item) pending.push(element);
    } else if (item !== null && typeof item === 'object' && !Buffer.isBuffer(item)) {
      for (const [key, element] of Object.entries(item)) {
        if (key.includes('\u0000')) return true;
        pending.push(element);
      }
    }
  }
  return false;
}

/**
 * preValidation hook: U+0000 is never part of an id, a name or a secret, and PostgreSQL cannot
 * store it in text (SQLite can): a path parameter, query parameter or JSON body holding one is a
 * 400 here, at the edge, on both dialects, rather than a driver error deep in a handler. It is
 * passed on as an error, so each scope answers in its own shape (RFC 6749 on /oauth2/token).
 */
export function rejectNulCharacters(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
  if (containsNul(request.params) || containsNul(request.query) || containsNul(request.body)) {
    done(errors.badRequest('The request contains a NUL character (U+0000), which no keyward value may hold'));
    return;
  }
  done();
}
