/**
 * The scenarios, in the order they run. Each one names the servers it needs (started on first use,
 * stopped after the last scenario that needs them), the baseline of its request shape, the load
 * autocannon sends, and its targets. A new scenario is one more entry in SCENARIOS (see the note
 * on issue 4 at the end of the list).
 */
import type { Request } from 'autocannon';
import type { Credentials } from './seed-million.js';
import type { FixtureName, Fixtures, Settings } from './fixtures.js';
import type { Load, Measurement } from './load.js';
import { measureTimingOracle } from './timing-oracle.js';

/** The baseline route with the same request shape: `GET` (no body) or `POST` (a JSON body). */
export type Shape = 'GET' | 'POST';

export type Target =
  /** req/s at least `min` × the same-shape baseline's. */
  | { kind: 'throughput'; min: number }
  /** p99 at most `max` × the same-shape baseline's. */
  | { kind: 'p99'; max: number }
  /** req/s at least `min` × another scenario's of the same run. */
  | { kind: 'throughput-vs'; scenario: string; min: number }
  /** A figure a probe reports (its `info[field]`) at most `max`. */
  | { kind: 'at-most'; field: string; max: number; unit: string };

export interface PreparedLoad extends Load {
  /** Facts about the load, for the report. */
  info?: Record<string, unknown>;
  /** Facts known only after the run (e.g. the cache-miss share). */
  after?: (measurement: Measurement) => Record<string, unknown>;
}

export interface Scenario {
  id: string;
  title: string;
  /** The baseline of this request shape; baselines themselves name their own shape. */
  shape: Shape;
  /** This scenario is a baseline: others' ratios are taken against it. */
  baseline?: boolean;
  fixtures: FixtureName[];
  targets?: Target[];
  /** A reason to skip this scenario with these settings, or undefined to run it. */
  skip?: (settings: Settings) => string | undefined;
  /** The load autocannon sends; a scenario has this or a probe. */
  prepare?(fixtures: Fixtures, settings: Settings): Promise<PreparedLoad>;
  /** A measurement of its own instead of autocannon's throughput; its figures go to the report's info. */
  probe?(fixtures: Fixtures, settings: Settings): Promise<Record<string, unknown>>;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const VALID = (body: string) => body.startsWith('{"valid":true');

function verifyRequest(key: Credentials, resource: string): Request {
  return { method: 'POST', path: '/keyward/v1/verify', headers: JSON_HEADERS, body: JSON.stringify({ key: key.key, secret: key.secret, resource }) };
}

function basicRequest(key: Credentials, resource: string): Request {
  return {
    method: 'GET',
    path: `/keyward/v1/auth/basic?resource=${encodeURIComponent(resource)}`,
    headers: { authorization: `Basic ${Buffer.from(`${key.key}:${key.secret}`).toString('base64')}` },
  };
}

function tokenRequest(key: Credentials): Request {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: key.key, client_secret: key.secret }).toString();
  return { method: 'POST', path: '/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body };
}

/** A request whose body takes the next key of `pool` on every send, across all connections. */
function distinctVerifyRequests(pool: Credentials[], resource: string): { requests: Request[]; sent: () => number } {
  let next = 0;
  const request: Request = {
    method: 'POST',
    path: '/keyward/v1/verify',
    headers: JSON_HEADERS,
    setupRequest: (req) => {
      const key = pool[next % pool.length] as Credentials;
      next++;
      return { ...req, body: JSON.stringify({ key: key.key, secret: key.secret, resource }) };
    },
  };
  return { requests: [request], sent: () => next };
}

export const SCENARIOS: Scenario[] = [
  {
    id: 'baseline-get',
    title: 'baseline GET (bare Fastify)',
    shape: 'GET',
    baseline: true,
    fixtures: ['baseline'],
    async prepare(f) {
      const server = await f.baseline();
      return { url: server.url, serverPid: server.pid, requests: [{ method: 'GET', path: '/baseline' }] };
    },
  },
  {
    id: 'baseline-post',
    title: 'baseline POST JSON (bare Fastify)',
    shape: 'POST',
    baseline: true,
    fixtures: ['baseline'],
    async prepare(f, s) {
      const server = await f.baseline();
      // The same bodies as verify's (made-up keys): same sizes, same parsing and validation work.
      const requests = Array.from({ length: s.keys }, (_, i) => ({
        method: 'POST',
        path: '/baseline',
        headers: JSON_HEADERS,
        body: JSON.stringify({ key: `BASELINE${String(i).padStart(8, '0')}`, secret: `kw_${'x'.repeat(55)}abcdef`, resource: 'lkc-abc123' }),
      }));
      return { url: server.url, serverPid: server.pid, requests };
    },
  },
  {
    id: 'verify',
    title: 'verify (audit all)',
    shape: 'POST',
    fixtures: ['keyward'],
    targets: [
      { kind: 'throughput', min: 0.8 },
      { kind: 'p99', max: 1.5 },
      { kind: 'throughput-vs', scenario: 'verify-audit-off', min: 0.9 },
    ],
    async prepare(f) {
      const k = await f.keyward();
      return { url: k.server.url, serverPid: k.server.pid, requests: k.keys.map((key) => verifyRequest(key, k.cluster)), verifyBody: VALID, info: { keys: k.keys.length, audit: 'all' } };
    },
  },
  {
    id: 'verify-audit-off',
    title: 'verify (audit off)',
    shape: 'POST',
    fixtures: ['keyward-audit-off'],
    async prepare(f) {
      const k = await f.keywardAuditOff();
      return { url: k.server.url, serverPid: k.server.pid, requests: k.keys.map((key) => verifyRequest(key, k.cluster)), verifyBody: VALID, info: { keys: k.keys.length, audit: 'off' } };
    },
  },
  {
    id: 'auth-basic',
    title: 'auth/basic (audit all)',
    shape: 'GET',
    fixtures: ['keyward'],
    targets: [
      { kind: 'throughput', min: 0.8 },
      { kind: 'p99', max: 1.5 },
    ],
    async prepare(f) {
      const k = await f.keyward();
      return { url: k.server.url, serverPid: k.server.pid, requests: k.keys.map((key) => basicRequest(key, k.cluster)), info: { keys: k.keys.length, audit: 'all' } };
    },
  },
  {
    id: 'oauth2-token',
    title: '/oauth2/token (audit all)',
    shape: 'POST',
    fixtures: ['keyward'],
    targets: [{ kind: 'throughput', min: 0.35 }],
    async prepare(f) {
      const k = await f.keyward();
      return {
        url: k.server.url,
        serverPid: k.server.pid,
        requests: k.keys.map(tokenRequest),
        verifyBody: (body) => body.includes('"access_token"'),
        info: { keys: k.keys.length, audit: 'all', client_auth: 'client_secret_post' },
      };
    },
  },
  {
    id: 'verify-million-cold',
    title: 'verify, 1M keys, cold cache',
    shape: 'POST',
    fixtures: ['keyward-million'],
    skip: (s) => (s.skipMillion ? 'BENCH_SKIP_MILLION=1' : undefined),
    async prepare(f) {
      const m = await f.million();
      const measured = distinctVerifyRequests(m.keys, m.cluster);
      const warm = distinctVerifyRequests(m.warmupKeys.length > 0 ? m.warmupKeys : m.keys, m.cluster);
      return {
        url: m.server.url,
        serverPid: m.server.pid,
        requests: measured.requests,
        warmupRequests: warm.requests,
        verifyBody: VALID,
        info: { ...m.info, warmupKeys: m.warmupKeys.length },
        after: () => {
          const sent = measured.sent();
          const distinct = Math.min(sent, m.keys.length);
          // Every first request for a key misses the (initially empty) cache; a key presented again
          // only after the pool wrapped may hit, so distinct/sent is a lower bound of the miss share.
          return { requestsSent: sent, distinctKeysPresented: distinct, cacheMissShare: sent > 0 ? Number((distinct / sent).toFixed(4)) : 0 };
        },
      };
    },
  },
  {
    id: 'verify-action',
    title: 'verify + action, 10k ACLs, 10k bindings',
    shape: 'POST',
    fixtures: ['keyward-grants'],
    targets: [{ kind: 'throughput-vs', scenario: 'verify', min: 0.8 }],
    async prepare(f) {
      const k = await f.keywardGrants();
      const action = { operation: 'READ', resource_type: 'TOPIC', resource_name: 'orders' };
      return {
        url: k.server.url,
        serverPid: k.server.pid,
        requests: k.keys.map((key) => ({ ...verifyRequest(key, k.cluster), body: JSON.stringify({ key: key.key, secret: key.secret, resource: k.cluster, action }) })),
        verifyBody: (body) => VALID(body) && body.includes('"granted":true'),
        info: k.info,
      };
    },
  },
  {
    id: 'verify-timing-oracle',
    title: 'verify: unknown id vs wrong secret (µs)',
    shape: 'POST',
    fixtures: ['keyward-proxied'],
    targets: [{ kind: 'at-most', field: 'absoluteMedianDifferenceUs', max: 10, unit: 'µs' }],
    async probe(f, s) {
      const k = await f.keywardProxied();
      // sequential requests: about 2,000 per second on one connection
      const samples = Math.max(500, Math.round(s.duration * 1000));
      const known = k.keys[0] as Credentials;
      return { samples, ...(await measureTimingOracle(k.server.url, known, { samples, warmup: Math.round(s.warmup * 500) })) };
    },
  },
  {
    id: 'baseline-post-again',
    title: 'baseline POST again (drift check)',
    shape: 'POST',
    fixtures: ['baseline'],
    async prepare(f, s) {
      const first = SCENARIOS.find((x) => x.id === 'baseline-post') as Required<Scenario>;
      return first.prepare(f, s);
    },
  },
];
