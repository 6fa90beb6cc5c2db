import type { IncomingMessage } from 'node:http';
import { CliError } from './cli-error.js';
import { currentContext, readConfigFile, savedContextNames, type CliContext } from './config.js';
import type { ErrorBody } from '../contract/index.js';

export interface Connection {
  url: string;
  key: string;
  secret: string;
  environment?: string;
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * Environment variables override the current saved context, so scripts and CI need no login. A
 * `KEYWARD_URL` naming another server than the context's takes nothing from the context: the
 * saved key and secret are only ever sent to the server they were saved for.
 */
export function resolveConnection(env: NodeJS.ProcessEnv = process.env): Connection {
  const config = readConfigFile(env);
  const saved: CliContext = currentContext(config) ?? {};
  const sameServer = !env.KEYWARD_URL || (saved.url !== undefined && withoutTrailingSlash(env.KEYWARD_URL) === withoutTrailingSlash(saved.url));
  const context: CliContext = sameServer ? saved : {};
  const url = env.KEYWARD_URL || context.url;
  const key = env.KEYWARD_API_KEY || context.api_key;
  const secret = env.KEYWARD_API_SECRET || context.api_secret;
  if (!url) {
    if (!config.current_context && Object.keys(config.contexts).length > 0) {
      throw new CliError(`No current context: run keyward context use NAME (saved contexts: ${savedContextNames(config)}), or set KEYWARD_URL`);
    }
    throw new CliError('Not logged in: run keyward login --url URL, or set KEYWARD_URL, KEYWARD_API_KEY and KEYWARD_API_SECRET');
  }
  if (!key || !secret) {
    if (!sameServer) throw new CliError(`No API key for ${url}: the saved context is for ${saved.url}; set KEYWARD_API_KEY and KEYWARD_API_SECRET too, or log in to that server`);
    throw new CliError('No API key: run keyward login, or set KEYWARD_API_KEY and KEYWARD_API_SECRET');
  }
  return { url: withoutTrailingSlash(url), key, secret, environment: context.environment };
}

/** The response headers the commands read (a `Headers`-like getter, without loading fetch). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: ResponseHeaders;
}

/** An error answer: the contract's error body, read without trusting it (a proxy may answer instead). */
interface ErrorPayload {
  errors?: Array<Partial<ErrorBody['errors'][number]>>;
}

async function readAll(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function headerGetter(response: IncomingMessage): ResponseHeaders {
  return {
    get(name) {
      const value = response.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * The one HTTP client of the CLI: Basic auth with the context's cloud key, errors as one line. It
 * speaks through node:http, not fetch: loading fetch alone would add ~150 ms to every command.
 */
export class ApiClient {
  constructor(
    private readonly connection: Connection,
    /** How long a request may wait in silence (connecting, or for the answer) before it fails. */
    private readonly timeoutMs = 30_000,
  ) {}

  get url(): string {
    return this.connection.url;
  }

  get environment(): string | undefined {
    return this.connection.environment;
  }

  private headers(accept: string): Record<string, string> {
    return {
      authorization: 'Basic ' + Buffer.from(`${this.connection.key}:${this.connection.secret}`).toString('base64'),
      accept,
      'user-agent': 'keyward-cli',
    };
  }

  private async send(method: string, path: string, headers: Record<string, string>, body?: string, timeoutMs?: number): Promise<IncomingMessage> {
    const target = new URL(this.connection.url + path);
    const transport = target.protocol === 'https:' ? await import('node:https') : await import('node:http');
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise((resolve, reject) => {
      const fail = (code: string) => reject(new CliError(`Cannot reach the keyward server at ${this.connection.url} (${code})`));
      const request = transport.request(target, { method, headers }, resolve);
      request.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.name));
      if (timeoutMs) request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error('timeout'), { code: 'TimeoutError' })));
      request.end(body);
    });
  }

  private async failure(response: IncomingMessage, text: string): Promise<never> {
    let detail: string | undefined;
    try {
      detail = (JSON.parse(text) as ErrorPayload).errors?.[0]?.detail;
    } catch {
      detail = undefined;
    }
    throw new CliError(detail ?? `The server answered ${response.statusCode} ${response.statusMessage ?? ''}`.trim());
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const headers = this.headers('application/json');
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.send(method, path, headers, body === undefined ? undefined : JSON.stringify(body), this.timeoutMs);
    const text = await readAll(response);
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) return this.failure(response, text);
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new CliError(`The server at ${this.connection.url} answered ${status} with something that is not JSON; is it a keyward server?`);
      }
    }
    return { status, body: parsed as T, headers: headerGetter(response) };
  }

  /** GET a streamed body (e.g. JSON lines) without a total timeout; errors as for request(). */
  async stream(path: string, accept: string): Promise<ReadableStream<Uint8Array>> {
    const response = await this.send('GET', path, this.headers(accept));
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) return this.failure(response, await readAll(response));
    const { Readable } = await import('node:stream');
    return Readable.toWeb(response) as unknown as ReadableStream<Uint8Array>;
  }

  get<T>(path: string) {
    return this.request<T>('GET', path).then((r) => r.body);
  }
  post<T>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {}).then((r) => r.body);
  }
  patch<T>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body).then((r) => r.body);
  }
  delete(path: string) {
    return this.request('DELETE', path);
  }

  /** Follows `metadata.next` until every page is read. */
  async listAll<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T[]> {
    const params = new URLSearchParams({ page_size: '100' });
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
    const items: T[] = [];
    let next: string | undefined = `${path}?${params}`;
    while (next) {
      const page: { data: T[]; metadata: { next?: string } } = await this.get(next);
      items.push(...page.data);
      next = page.metadata.next ? page.metadata.next.replace(/^https?:\/\/[^/]+/, '') : undefined;
    }
    return items;
  }
}

export function connect(): ApiClient {
  return new ApiClient(resolveConnection());
}

export const encode = encodeURIComponent;
