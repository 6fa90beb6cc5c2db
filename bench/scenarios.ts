/**
 * The scenarios, in the order they run. Each one names the servers it needs (started on first use,
 * stopped after the last scenario that needs them), the baseline of its request shape, the load
 * autocannon sends (or the probe that measures it otherwise), and its targets, each named by the
 * row of issue 10's targets table it reports. A new scenario is one more entry in SCENARIOS.
 */
import type { Request } from 'autocannon';
import type { Credentials } from './seed-million.js';
import type { FixtureName, Fixtures, KeywardFixture, Settings } from './fixtures.js';
import { measureFlood } from './flood.js';
import { measure, warmUp, type Load, type Measurement } from './load.js';
import { measureTimingOracle } from './timing-oracle.js';

/** The baseline route with the same request shape: `GET` (no body) or `POST` (a JSON body). */
export type Shape = 'GET' | 'POST';

export type Target = {
  /** The row of the issue's targets table this target belongs to, as the report names it. */
  row: string;
} & (
  /** req/s at least `min` × the same-shape baseline's. */
  | { kind: 'throughput'; min: number }
  /** p99 at most `max` × the same-shape baseline's. */
  | { kind: 'p99'; max: number }
  /** req/s at least `min` × another scenario's of the same run. */
  | { kind: 'throughput-vs'; scenario: string; min: number }
  /** p99 at most `max` × another scenario's of the same run. */
  | { kind: 'p99-vs'; scenario: string; max: number }
  /**
   * Several instances measured at once (a probe's `parts`), sharing the load: each one's req/s at
   * least `min` × its share (1/parts) of another scenario's req/s (one instance alone).
   */
  | { kind: 'share-vs'; scenario: string; min: number }
  /**
   * A figure a probe reports (its `info[field]`) at most `max`; `valid` names a boolean of its info
   * that must be true for the figure to count (e.g. its requests all answered as expected).
   */
  | { kind: 'at-most'; field: string; max: number; unit: string; what: string; valid?: string; figures?: (info: Record<string, unknown>) => string }
);

export interface PreparedLoad extends Load {
  /** Facts about the load, for the report. */
  info?: Record<string, unknown>;
  /** Facts known only after the run (e.g. the cache-miss share). */
  after?: (measurement: Measurement) => Record<string, unknown>;
}

/** What a probe found: its figures, and autocannon measurements of its own when it made some. */
export interface ProbeResult {
  info: Record<string, unknown>;
  /** Measurements taken at the same time (e.g. one per instance), each a row of the report. */
  parts?: Array<{ label: string; measurement: Measurement }>;
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
  /** A measurement of its own instead of one autocannon run. */
  probe?(fixtures: Fixtures, settings: Settings): Promise<ProbeResult>;
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

/** The issue's targets-table rows (issue 10), as the report names them. */
const ROW = {
  verify: 'verify, default audit',
  verifyVsOff: 'verify, default audit ÷ audit off',
  every: 'verify, --audit-data-plane every',
  basic: 'auth/basic, default audit',
  token: '/oauth2/token',
  million: 'verify on 1M keys, cold cache ÷ warm verify',
  action: 'verify + action, 10k ACLs + 10k bindings ÷ verify',
  flood: 'unauthenticated failure flood',
  pair: 'two instances on one PostgreSQL database',
  oracle: 'timing oracle (issue 8)',
};

const skipPostgres = (s: Settings) => s.postgres.skip;

/** The warm-cache verify load on a keyward fixture. */
function verifyLoad(k: KeywardFixture): PreparedLoad {
  return {
    url: k.server.url,
    serverPid: k.server.pid,
    requests: k.keys.map((key) => verifyRequest(key, k.cluster)),
    verifyBody: VALID,
    ...(k.databasePids ? { databasePids: k.databasePids } : {}),
    info: k.info,
  };
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
    title: 'verify (default audit)',
    shape: 'POST',
    fixtures: ['keyward'],
    targets: [
      { row: ROW.verify, kind: 'throughput', min: 0.8 },
      { row: ROW.verify, kind: 'p99', max: 1.5 },
      { row: ROW.verifyVsOff, kind: 'throughput-vs', scenario: 'verify-audit-off', min: 0.95 },
    ],
    async prepare(f) {
      return verifyLoad(await f.keyward());
    },
  },
  {
    id: 'verify-audit-off',
    title: 'verify (audit off)',
    shape: 'POST',
    fixtures: ['keyward-audit-off'],
    async prepare(f) {
      return verifyLoad(await f.keywardAuditOff());
    },
  },
  {
    id: 'verify-audit-every',
    title: 'verify (audit every request)',
    shape: 'POST',
    fixtures: ['keyward-audit-every'],
    targets: [{ row: ROW.every, kind: 'throughput', min: 0.5 }],
    async prepare(f) {
      return verifyLoad(await f.keywardAuditEvery());
    },
  },
  {
    id: 'auth-basic',
    title: 'auth/basic (default audit)',
    shape: 'GET',
    fixtures: ['keyward'],
    targets: [
      { row: ROW.basic, kind: 'throughput', min: 0.8 },
      { row: ROW.basic, kind: 'p99', max: 1.5 },
    ],
    async prepare(f) {
      const k = await f.keyward();
      return { url: k.server.url, serverPid: k.server.pid, requests: k.keys.map((key) => basicRequest(key, k.cluster)), info: k.info };
    },
  },
  {
    id: 'oauth2-token',
    title: '/oauth2/token (default audit)',
    shape: 'POST',
    fixtures: ['keyward'],
    targets: [{ row: ROW.token, kind: 'throughput', min: 0.35 }],
    async prepare(f) {
      const k = await f.keyward();
      return {
        url: k.server.url,
        serverPid: k.server.pid,
        requests: k.keys.map(tokenRequest),
        verifyBody: (body) => body.includes('"access_token"'),
        info: { ...k.info, client_auth: 'client_secret_post' },
      };
    },
  },
  {
    id: 'verify-million-cold',
    title: 'verify, 1M keys, cold cache',
    shape: 'POST',
    fixtures: ['keyward-million'],
    targets: [
      { row: ROW.million, kind: 'throughput-vs', scenario: 'verify', min: 0.5 },
      { row: ROW.million, kind: 'p99-vs', scenario: 'verify', max: 3 },
    ],
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
    targets: [{ row: ROW.action, kind: 'throughput-vs', scenario: 'verify', min: 0.85 }],
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
    targets: [
      {
        row: ROW.oracle,
        kind: 'at-most',
        field: 'absoluteMedianDifferenceUs',
        max: 10,
        unit: 'µs',
        what: '|median(unknown id) − median(wrong secret)|',
        figures: (i) => `medians ${i.unknownIdMedianUs} µs (unknown id) and ${i.wrongSecretMedianUs} µs (wrong secret), difference 95% CI ${JSON.stringify(i.medianDifferenceCi95Us)} µs, ${i.samplesPerKind} samples each`,
      },
    ],
    async probe(f, s) {
      const k = await f.keywardProxied();
      // sequential requests: about 2,000 per second on one connection
      const samples = Math.max(500, Math.round(s.duration * 1000));
      const known = k.keys[0] as Credentials;
      return { info: { samples, ...(await measureTimingOracle(k.server.url, known, { samples, warmup: Math.round(s.warmup * 500) })) } };
    },
  },
  {
    id: 'failure-flood',
    title: 'unauthenticated failure flood',
    shape: 'POST',
    fixtures: ['keyward-flood'],
    targets: [
      {
        row: ROW.flood,
        kind: 'at-most',
        field: 'auditRows',
        max: 1000,
        unit: 'rows',
        what: 'audit rows written from the flood’s start until the server stopped',
        valid: 'auditCountValid',
        figures: (i) =>
          `${i.floodRateAchieved} failures/s for ${i.seconds} s from ${i.floodAddresses} addresses, answered ${JSON.stringify(i.floodStatusCodes)}; ${i.auditBytes} bytes of events; ${JSON.stringify(i.auditRowsByTypeAndResult)}`,
      },
      {
        row: ROW.flood,
        kind: 'at-most',
        field: 'clientP99Ratio',
        max: 1.5,
        unit: '×',
        what: 'another client’s p99 during ÷ without the flood',
        valid: 'clientClean',
        figures: (i) => `p99 ${i.clientP99FloodedMs} ms during vs ${i.clientP99AloneMs} ms without (p50 ${i.clientP50FloodedMs} vs ${i.clientP50AloneMs} ms), ${i.clientRate} verifies/s`,
      },
    ],
    async probe(f, s) {
      const k = await f.keywardFlood();
      const [client, attacked] = [k.keys[0], k.keys[1] ?? k.keys[0]] as [Credentials, Credentials];
      return { info: await measureFlood(k.server, k.dataDir as string, client, attacked, k.cluster, { ...s.flood, warmup: s.warmup }) };
    },
  },
  {
    id: 'verify-pg',
    title: 'verify, PostgreSQL (default audit)',
    shape: 'POST',
    fixtures: ['postgres'],
    skip: skipPostgres,
    async prepare(f) {
      return verifyLoad(await f.postgres());
    },
  },
  {
    id: 'verify-pg-pair',
    title: 'verify, 2 instances on one PostgreSQL',
    shape: 'POST',
    fixtures: ['postgres', 'postgres-second'],
    skip: skipPostgres,
    targets: [{ row: ROW.pair, kind: 'share-vs', scenario: 'verify-pg', min: 0.9 }],
    async probe(f, s) {
      const instances = [await f.postgres(), await f.postgresSecond()];
      return measureInstances(instances.map(verifyLoad), s);
    },
  },
  {
    id: 'verify-pg-audit-off',
    title: 'verify, PostgreSQL (audit off)',
    shape: 'POST',
    fixtures: ['postgres-audit-off'],
    skip: skipPostgres,
    async prepare(f) {
      return verifyLoad(await f.postgresAuditOff());
    },
  },
  {
    id: 'verify-pg-audit-every',
    title: 'verify, PostgreSQL (audit every request)',
    shape: 'POST',
    fixtures: ['postgres-audit-every'],
    skip: skipPostgres,
    async prepare(f) {
      return verifyLoad(await f.postgresAuditEvery());
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

/**
 * Instances behind the same total load at the same time: the run's connections split evenly over
 * them (a load balancer's round robin), each instance's autocannon measured over the same window.
 * On a machine whose cores are all busy with one instance and the load generator, the instances
 * share those cores, so each one's fair figure is its share of one instance's throughput.
 * Each instance first gets the warm-up a single instance gets (alone, all connections), so that a
 * freshly started one is as warm as the instance measured alone; then a short warm-up together.
 */
async function measureInstances(loads: PreparedLoad[], settings: Settings): Promise<ProbeResult> {
  const n = loads.length;
  for (const load of loads) await warmUp(load, settings);
  const connections = loads.map((_, i) => Math.max(1, Math.floor(settings.connections / n) + (i < settings.connections % n ? 1 : 0)));
  const together = { ...settings, warmup: Math.min(1, settings.warmup) };
  const measurements = await Promise.all(loads.map((load, i) => measure(load, { ...together, connections: connections[i] as number })));
  // measure() counts the other instances as other processes: take them out
  for (const m of measurements) {
    if (m.machine === undefined || m.otherCores === undefined) continue;
    const ours = measurements.reduce((sum, x) => sum + (x.serverCores ?? 0), 0) + m.loadGeneratorCpuSeconds / m.durationSeconds + (m.databaseCores ?? 0);
    m.otherCores = Number(Math.max(0, m.machine.busyCores - ours).toFixed(2));
  }
  const total = measurements.reduce((sum, m) => sum + m.reqPerSec, 0);
  return {
    info: { instances: n, connections, reqPerSec: measurements.map((m) => m.reqPerSec), totalReqPerSec: Number(total.toFixed(1)) },
    parts: measurements.map((measurement, i) => ({ label: `instance ${String.fromCharCode(65 + i)}`, measurement })),
  };
}
