import { CliError } from './cli-error.js';
import { readConfig } from './config.js';

export interface Connection {
  url: string;
  key: string;
  secret: string;
  environment?: string;
}

/** Environment variables override the saved context, so scripts and CI need no login. */
export function resolveConnection(env: NodeJS.ProcessEnv = process.env): Connection {
  const config = readConfig(env);
  const url = env.KEYWARD_URL || config.url;
  const key = env.KEYWARD_API_KEY || config.api_key;
  const secret = env.KEYWARD_API_SECRET || config.api_secret;
  if (!url) throw new CliError('Not logged in: run keyward login --url URL, or set KEYWARD_URL, KEYWARD_API_KEY and KEYWARD_API_SECRET');
  if (!key || !secret) throw new CliError('No API key: run keyward login, or set KEYWARD_API_KEY and KEYWARD_API_SECRET');
  return { url: url.replace(/\/+$/, ''), key, secret, environment: config.environment };
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

interface ErrorPayload {
  errors?: Array<{ detail?: string; code?: string }>;
}

/** The one HTTP client of the CLI: Basic auth with the context's cloud key, errors as one line. */
export class ApiClient {
  constructor(private readonly connection: Connection) {}

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

  private async send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(this.connection.url + path, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new CliError(`Cannot reach the keyward server at ${this.connection.url} (${cause})`);
    }
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const headers = this.headers('application/json');
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.send(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new CliError(`The server at ${this.connection.url} answered ${response.status} with something that is not JSON; is it a keyward server?`);
      }
    }
    if (!response.ok) {
      const detail = (parsed as ErrorPayload | undefined)?.errors?.[0]?.detail;
      throw new CliError(detail ?? `The server answered ${response.status} ${response.statusText}`);
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** GET a streamed body (e.g. JSON lines) without a total timeout; errors as for request(). */
  async stream(path: string, accept: string): Promise<ReadableStream<Uint8Array>> {
    const response = await this.send(path, { method: 'GET', headers: this.headers(accept) });
    if (!response.ok || !response.body) {
      const text = await response.text();
      let detail: string | undefined;
      try {
        detail = (JSON.parse(text) as ErrorPayload).errors?.[0]?.detail;
      } catch {
        detail = undefined;
      }
      throw new CliError(detail ?? `The server answered ${response.status} ${response.statusText}`);
    }
    return response.body;
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
