import { errors } from '../domain/errors.js';
import { maskSecretsInText } from '../domain/mask-secrets.js';

/**
 * The one gate for free text a service stores (names, descriptions, display names): trimmed,
 * bounded, without control characters, and with any keyward secret pasted into it masked.
 */
export function requireText(value: unknown, field: string, max: number, options: { min?: number; allowEmpty?: boolean } = {}): string {
  if (typeof value !== 'string') throw errors.invalid(`${field} must be a string`);
  const text = maskSecretsInText(value.trim());
  const min = options.allowEmpty ? 0 : (options.min ?? 1);
  if (text.length < min) throw errors.invalid(`${field} must not be empty`);
  if (text.length > max) throw errors.invalid(`${field} must be at most ${max} characters (got ${text.length})`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) throw errors.invalid(`${field} must not contain control characters`);
  return text;
}

export function requireOneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  const text = typeof value === 'string' ? value.toLowerCase() : value;
  if (typeof text !== 'string' || !(allowed as readonly string[]).includes(text)) {
    throw errors.invalid(`${field} must be one of ${allowed.join(', ')} (got "${String(value)}")`);
  }
  return text as T;
}

export function parseTimestamp(value: string, field: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw errors.invalid(`${field} must be an ISO-8601 time such as 2027-01-31T00:00:00Z (got "${value}")`);
  }
  return date;
}
