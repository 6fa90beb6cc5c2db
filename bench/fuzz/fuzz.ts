import { operationsOf, type Fodder, type Operation } from './generate.js';
import { rngFor } from './prng.js';
import { sendRaw, type RawResponse } from './raw-http.js';
import { generateRequest, type Credentials, type GeneratedRequest } from './requests.js';

export interface FuzzOptions {
  /** `http://127.0.0.1:PORT` of a listening keyward server. */
  baseUrl: string;
  /** An OrganizationAdmin's cloud key: part of the traffic is authenticated so that handlers are reached. */
  admin: Credentials;
  requests: number;
  seed: number;
  concurrency?: number;
  timeoutMs?: number;
}

export interface FuzzFinding {
  index: number;
  method: string;
  target: string;
  status: number | 'none';
  problem: string;
  body: string;
}

export interface FuzzReport {
  seed: number;
  sent: number;
  operations: number;
  byClass: Record<string, number>;
  byStatus: Record<string, number>;
  /** Responses >= 500, responses without a body of the documented shape, and requests not answered. */
  findings: FuzzFinding[];
  serverErrors: number;
  badBodies: number;
  unanswered: number;
}

/** `{"errors":[{id,status,code,title,detail}]}` whose status is the HTTP status (DESIGN §3). */
export function isErrorBody(json: unknown, status: number): boolean {
  const first = (json as { errors?: unknown[] } | null)?.errors?.[0] as Record<string, unknown> | undefined;
  return !!first && typeof first.id === 'string' && first.status === String(status) && typeof first.code === 'string' && typeof first.title === 'string' && typeof first.detail === 'string';
}

/** RFC 6749 §5.2: `{"error":…,"error_description":…}`. */
export function isOAuthErrorBody(json: unknown): boolean {
  const body = json as Record<string, unknown> | null;
  return !!body && typeof body.error === 'string' && /^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/.test(body.error) && (body.error_description === undefined || typeof body.error_description === 'string');
}

function isTokenEndpoint(request: GeneratedRequest): boolean {
  return request.kind === 'operation' && request.method === 'POST' && request.target.split('?')[0] === '/oauth2/token';
}

/** What is wrong with the answer to `request`, or undefined when it is as documented. */
export function checkResponse(request: GeneratedRequest, response: RawResponse | undefined): string | undefined {
  if (!response) return 'no response';
  if (response.status >= 500) return `status ${response.status}`;
  if (response.status < 400 || request.method === 'HEAD') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(response.body.toString('utf8'));
  } catch {
    return 'error body is not JSON';
  }
  if (isTokenEndpoint(request)) return isOAuthErrorBody(json) ? undefined : 'not an RFC 6749 error body';
  // DESIGN §3: verify's 429 is its own answer, {"valid":false,"code":"RATE_LIMITED"}
  if (response.status === 429 && request.method === 'POST' && request.target.split('?')[0] === '/keyward/v1/verify') {
    const verdict = json as Record<string, unknown> | null;
    return verdict?.valid === false && verdict.code === 'RATE_LIMITED' ? undefined : 'not the documented verify answer';
  }
  return isErrorBody(json, response.status) ? undefined : 'not the documented error body';
}

/** Ids and credentials to aim requests at, made through the API with the admin's key. */
export async function prepareFodder(baseUrl: string, admin: Credentials): Promise<Fodder> {
  const authorization = `Basic ${Buffer.from(`${admin.key}:${admin.secret}`).toString('base64')}`;
  const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(baseUrl + path, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`fuzz set-up: POST ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const idOf = (o: Record<string, unknown>) => String(o.id);
  const environment = await post('/org/v2/environments', { display_name: 'fuzz-env' });
  const env = idOf(environment);
  const organization = /organization=([^/]+)/.exec(String((environment.metadata as Record<string, unknown> | undefined)?.resource_name ?? ''))?.[1] ?? 'unknown';
  const lkc = idOf(await post('/cmk/v2/clusters', { spec: { display_name: 'fuzz-kafka', cloud: 'aws', region: 'r', environment: { id: env } } }));
  const lsrc = idOf(await post('/srcm/v2/clusters', { spec: { display_name: 'fuzz-sr', cloud: 'aws', region: 'r', environment: { id: env } } }));
  const sa = idOf(await post('/iam/v2/service-accounts', { display_name: 'fuzz-sa', description: 'fuzz' }));
  const key = await post('/iam/v2/api-keys', { spec: { resource: { id: lkc }, owner: { id: sa } } });
  const keySecret = String((key.spec as Record<string, unknown>).secret);
  const user = await post('/iam/v2/users', { email: 'fuzz@example.com', full_name: 'Fuzz' });
  const userKey = user.api_key as { key: string; secret: string };
  const crn = `crn://keyward/organization=${organization}/environment=${env}/cloud-cluster=${lkc}`;
  const binding = idOf(await post('/iam/v2/role-bindings', { principal: `User:${sa}`, role_name: 'CloudClusterAdmin', crn_pattern: crn }));
  await post(`/kafka/v3/clusters/${lkc}/acls`, { principal: `User:${sa}`, permission: 'ALLOW', operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders', pattern_type: 'LITERAL', host: '*' }).catch(() => undefined);
  return {
    organization,
    environments: [env],
    kafkaClusters: [lkc],
    schemaRegistries: [lsrc],
    serviceAccounts: [sa],
    users: [idOf(user)],
    // [1] is the user's cloud key: the fuzzer's plain, unprivileged caller
    apiKeys: [{ key: idOf(key), secret: keySecret }, userKey],
    roleBindings: [binding],
  };
}

/**
 * Sends `requests` generated requests (seeded, deterministic per index) to a real listening
 * server over raw TCP, `concurrency` at a time, and classifies every answer. Unauthenticated
 * traffic comes from 127.0.0.2–127.0.0.250 so that its failures block only those addresses; the
 * OrganizationAdmin's from 127.0.0.1 and a plain user's (no role bindings) from 127.0.0.251.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const url = new URL(options.baseUrl);
  const port = Number(url.port);
  const host = `${url.hostname}:${port}`;
  const document = (await (await fetch(`${options.baseUrl}/openapi.json`)).json()) as Parameters<typeof operationsOf>[0];
  const operations: Operation[] = operationsOf(document);
  const fodder = await prepareFodder(options.baseUrl, options.admin);
  const report: FuzzReport = { seed: options.seed, sent: 0, operations: operations.length, byClass: {}, byStatus: {}, findings: [], serverErrors: 0, badBodies: 0, unanswered: 0 };
  const context = { operations, fodder, admin: options.admin, host };
  let nextIndex = 0;

  const worker = async () => {
    for (let index = nextIndex++; index < options.requests; index = nextIndex++) {
      const rng = rngFor(options.seed, index);
      const request = generateRequest(index, rng, context);
      const localAddress = request.authenticated === 'admin' ? '127.0.0.1' : request.authenticated === 'user' ? '127.0.0.251' : `127.0.0.${2 + rng.int(249)}`;
      const response = await sendRaw({ host: url.hostname, port, localAddress, timeoutMs: options.timeoutMs ?? 15_000, halfClose: request.kind === 'malformed' }, request.bytes);
      report.sent++;
      const status = response?.status;
      const statusClass = status === undefined ? 'none' : `${Math.floor(status / 100)}xx`;
      report.byClass[statusClass] = (report.byClass[statusClass] ?? 0) + 1;
      report.byStatus[String(status ?? 'none')] = (report.byStatus[String(status ?? 'none')] ?? 0) + 1;
      const problem = checkResponse(request, response);
      if (problem) {
        if (!response) report.unanswered++;
        else if (response.status >= 500) report.serverErrors++;
        else report.badBodies++;
        report.findings.push({ index, method: request.method, target: request.target.slice(0, 160), status: status ?? 'none', problem, body: response?.body.toString('utf8').slice(0, 300) ?? '' });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  return report;
}

/** The report as a few lines for people. */
export function formatReport(report: FuzzReport): string {
  const classes = Object.entries(report.byClass)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const lines = [
    `fuzz: seed ${report.seed}, ${report.sent} requests sent across ${report.operations} operations of /openapi.json`,
    `responses by status class: ${classes}`,
    `responses by status: ${Object.entries(report.byStatus)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `responses >= 500: ${report.serverErrors}; error bodies not as documented: ${report.badBodies}; unanswered: ${report.unanswered}`,
  ];
  for (const finding of report.findings.slice(0, 20)) lines.push(`  #${finding.index} ${finding.method} ${finding.target} -> ${finding.status} (${finding.problem}) ${finding.body.slice(0, 160)}`);
  return lines.join('\n');
}
