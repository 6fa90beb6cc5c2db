/**
 * The console's one way to the management API: same origin, the session cookie (HttpOnly, never read
 * here), the CSRF token on every request that changes state, and the API's error body turned into an
 * ApiError. The token lives in memory only; after a reload it is asked again (GET sessions/current).
 */

export interface ApiErrorBody {
  errors?: Array<{ id?: string; status?: string; code?: string; title?: string; detail?: string }>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ListPage<T> {
  data: T[];
  metadata: { next?: string; total_size: number };
}

type Query = Record<string, string | number | boolean | undefined | null>;

let csrfToken: string | null = null;
let onUnauthenticated: () => void = () => undefined;

/** Set by the session module: the CSRF token of the live session (null: none). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** What happens when the API answers 401 to a request (the session ended: expired, logged out, key disabled). */
export function onSessionEnded(handler: () => void): void {
  onUnauthenticated = handler;
}

export function withQuery(path: string, query?: Query): string {
  if (query === undefined) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${text}`;
}

async function errorOf(response: Response): Promise<ApiError> {
  const requestId = response.headers.get('X-Request-Id');
  let body: ApiErrorBody | { error?: string; error_description?: string } | null = null;
  try {
    body = (await response.json()) as ApiErrorBody;
  } catch {
    body = null;
  }
  const first = body && 'errors' in body ? body.errors?.[0] : undefined;
  const message = first?.detail ?? first?.title ?? `The server answered ${response.status} ${response.statusText}`;
  return new ApiError(response.status, first?.code ?? String(response.status), message, requestId);
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** A 401 is the caller's to handle (the login form), not a session that ended. */
  expectUnauthenticated?: boolean;
}

/** Sends one request; resolves with the parsed JSON body (undefined for 204) or rejects with an ApiError. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken !== null) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', 'keyward cannot be reached: check that the server is running', null);
  }
  if (!response.ok) {
    const error = await errorOf(response);
    // a 401, or a CSRF refusal (the cookie now holds another session, signed in from another tab), ends this page's session
    const sessionGone = response.status === 401 || (response.status === 403 && error.message.includes('X-CSRF-Token'));
    if (sessionGone && !options.expectUnauthenticated) onUnauthenticated();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown, query?: Query) => request<T>('POST', path, { body: body ?? {}, query }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: <T = void>(path: string, query?: Query) => request<T>('DELETE', path, { query }),
  /** Every item of a paginated list (page_size 100, following metadata.next), at most `limit` items. */
  async listAll<T>(path: string, query: Query = {}, signal?: AbortSignal, limit = 10_000): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const page = await request<ListPage<T>>('GET', path, { query: { ...query, page_size: 100, page_token: token }, signal });
      items.push(...page.data);
      token = page.metadata.next === undefined ? undefined : (new URL(page.metadata.next, location.origin).searchParams.get('page_token') ?? undefined);
    } while (token !== undefined && items.length < limit);
    return items;
  },
};
