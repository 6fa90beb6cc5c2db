/**
 * The one error registry. Every failure a user can see is a KeywardError with one of these codes;
 * the HTTP layer maps it to the Confluent-style error body, the CLI to a one-line message.
 */
export const ERROR_CODES = {
  user_unauthenticated: { status: 401, title: 'Unauthenticated' },
  user_unauthorized: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not Found' },
  resource_already_exists: { status: 409, title: 'Conflict' },
  invalid_configuration: { status: 422, title: 'Invalid Configuration' },
  invalid_filter: { status: 400, title: 'Invalid Filter' },
  bad_request: { status: 400, title: 'Bad Request' },
  quota_exceeded: { status: 402, title: 'Quota Exceeded' },
  too_many_requests: { status: 429, title: 'Too Many Requests' },
  method_not_allowed: { status: 405, title: 'Method Not Allowed' },
  payload_too_large: { status: 413, title: 'Payload Too Large' },
  request_timeout: { status: 408, title: 'Request Timeout' },
  header_fields_too_large: { status: 431, title: 'Request Header Fields Too Large' },
  unsupported_media_type: { status: 415, title: 'Unsupported Media Type' },
  service_unavailable: { status: 503, title: 'Service Unavailable' },
  internal_error: { status: 500, title: 'Internal Server Error' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class KeywardError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  /** For a 429: whole seconds until the client may try again (the HTTP `Retry-After`). */
  retryAfterSeconds?: number;

  constructor(code: ErrorCode, detail: string) {
    super(detail);
    this.name = 'KeywardError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.title = ERROR_CODES[code].title;
  }
}

export const errors = {
  unauthenticated: (detail = 'Invalid API key or secret') => new KeywardError('user_unauthenticated', detail),
  forbidden: (detail = 'You are not allowed to do this') => new KeywardError('user_unauthorized', detail),
  notFound: (what: string, id: string) => new KeywardError('not_found', `${what} "${id}" not found`),
  conflict: (detail: string) => new KeywardError('resource_already_exists', detail),
  invalid: (detail: string) => new KeywardError('invalid_configuration', detail),
  invalidFilter: (detail: string) => new KeywardError('invalid_filter', detail),
  badRequest: (detail: string) => new KeywardError('bad_request', detail),
  quota: (detail: string) => new KeywardError('quota_exceeded', detail),
  rateLimited: (detail = 'Too many requests, try again later', retryAfterSeconds?: number) =>
    Object.assign(new KeywardError('too_many_requests', detail), retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  unavailable: (detail: string) => new KeywardError('service_unavailable', detail),
};

export function isKeywardError(value: unknown): value is KeywardError {
  return value instanceof KeywardError;
}
