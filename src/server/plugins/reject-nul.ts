import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../domain/errors.js';

const NUL = '\u0000';

/**
 * True when a string anywhere in the value (own enumerable keys included) holds U+0000; iterative, so
 * any depth is fine. Strings are checked where they are met and only nested objects wait on the
 * stack, which is made for the first of them: a flat body allocates nothing.
 */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  if (value === null || typeof value !== 'object') return false;
  let pending: object[] | undefined;
  let item: object | undefined = value;
  while (item !== undefined) {
    if (Array.isArray(item)) {
      for (const element of item as unknown[]) {
        if (typeof element === 'string') {
          if (element.includes(NUL)) return true;
        } else if (element !== null && typeof element === 'object') (pending ??= []).push(element);
      }
    } else if (!Buffer.isBuffer(item)) {
      const record = item as Record<string, unknown>;
      for (const key in record) {
        if (!Object.hasOwn(record, key)) continue;
        if (key.includes(NUL)) return true;
        const element = record[key];
        if (typeof element === 'string') {
          if (element.includes(NUL)) return true;
        } else if (element !== null && typeof element === 'object') (pending ??= []).push(element);
      }
    }
    item = pending?.pop();
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
