/**
 * The advisor service: reads one snapshot of the organization from the store and the audit log
 * (`buildAdvisorSnapshot`) and runs the pure rules of `domain/advisor` over it. Nothing here
 * decides a finding; the rules are unit-tested with their own snapshots.
 */
import { runAdvisor, isSeverity, severityAtLeast, SEVERITIES, type AdvisorSnapshot, type FailedAuthCount, type Finding, type Severity } from '../domain/advisor/index.js';
import { errors } from '../domain/errors.js';
import { toAdvisorPolicy } from '../domain/policy.js';
import { PostgresAdapter, sql } from 'kysely';
import type { Executor } from '../store/repositories/executor.js';
import { organizationCrn } from '../domain/crn.js';
import type { CallContext, ServiceDeps } from './context.js';
import { readPolicy } from './policy.js';

const AUTHENTICATION = 'io.keyward.authentication';
const HOUR_MS = 3_600_000;

/**
 * The latest successful events of a rotated-out key read for its last use. An aggregated event's
 * `time` is its first request's; its last request is `data.lastTime`, in the latest window, so among
 * the key's latest events unless more than this many of its tuples (one per client address, method and
 * outcome) were open in that window: then the last use found still lies in it.
 */
const GRACE_USE_ROWS = 20;

/** When the last request an event accounts for happened: `data.lastTime` of an aggregated event, else its time. */
function lastRequestTime(row: { time: string; event: string }): string {
  try {
    const lastTime = (JSON.parse(row.event) as { data?: { lastTime?: unknown } }).data?.lastTime;
    if (typeof lastTime === 'string' && lastTime > row.time) return lastTime;
  } catch {
    // a row that no longer parses (audit-log verify reports it) counts by its indexed time
  }
  return row.time;
}

/*
 * How many failed authentications one stored failure event stands for (DESIGN §4): an aggregated
 * event's `data.count`, the rate limiter's block event (`data.request.blocked`) none, as it reports a
 * block that started rather than a request, any other event one. Only rows whose text holds
 * `"firstTime":"` or `"blocked":` can be either kind, so only those are parsed. A row that no longer
 * parses, or whose count is not a whole number of at least one, counts one (audit-log verify reports it).
 */
const MAY_NOT_COUNT_ONE = sql<boolean>`(event LIKE '%"firstTime":"%' OR event LIKE '%"blocked":%')`;
const SQLITE_REQUESTS = sql<number>`CASE
  WHEN NOT ${MAY_NOT_COUNT_ONE} THEN 1
  WHEN NOT json_valid(event) THEN 1
  WHEN json_type(event, '$.data.request.blocked') IS NOT NULL THEN 0
  WHEN json_type(event, '$.data.count') = 'integer' THEN max(1, json_extract(event, '$.data.count'))
  ELSE 1
END`;
const POSTGRES_REQUESTS = sql<number>`CASE
  WHEN NOT ${MAY_NOT_COUNT_ONE} THEN 1
  WHEN event::jsonb #> '{data,request,blocked}' IS NOT NULL THEN 0
  WHEN jsonb_typeof(event::jsonb #> '{data,count}') = 'number' AND (event::jsonb #>> '{data,count}') ~ '^[0-9]{1,18}$'
    THEN greatest(1, (event::jsonb #>> '{data,count}')::bigint)
  ELSE 1
END`;

/** The count of the SQL above for one row's event text (PostgreSQL's fallback). */
function requestsOf(event: string): number {
  if (!event.includes('"firstTime":"') && !event.includes('"blocked":')) return 1;
  try {
    const data = (JSON.parse(event) as { data?: { count?: unknown; request?: { blocked?: unknown } } }).data;
    if (data?.request?.blocked !== undefined) return 0;
    const count = data?.count;
    return typeof count === 'number' && Number.isSafeInteger(count) ? Math.max(1, count) : 1;
  } catch {
    return 1;
  }
}

/** PostgreSQL's "invalid input syntax" (22P02): an event text its jsonb cast refused. */
function isInvalidText(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '22P02';
}

/**
 * Failed authentications per named key in (from, to], counted exactly: the sum over failure events
 * of the requests each stands for (keys with none left out: a block event alone is no failure).
 * Summed in SQL; on PostgreSQL, where a row that is no longer JSON fails the jsonb cast (and there is
 * no cast that tolerates it before PostgreSQL 16), the rows that need parsing are read and counted
 * here instead, which needs `db` not to be a transaction (the failed statement would abort it).
 *
 * Only events that name the key count for it: failures beyond the first 20 a minute from one client
 * address for a key id that matches no key are aggregated without the id (DESIGN §4), so for such ids
 * the count is a lower bound.
 */
async function failedAuthentications(db: Executor, from: string, to: string): Promise<FailedAuthCount[]> {
  const failures = () =>
    db
      .selectFrom('audit_events')
      .where('type', '=', AUTHENTICATION)
      .where('result', '!=', 'SUCCESS')
      .where('api_key', 'is not', null)
      .where('time', '>', from)
      .where('time', '<=', to);
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  try {
    const rows = await failures()
      .select((eb) => ['api_key', eb.fn.sum<number | string>(postgres ? POSTGRES_REQUESTS : SQLITE_REQUESTS).as('n')])
      .groupBy('api_key')
      .execute();
    return rows.map((r) => ({ api_key: r.api_key as string, count: Number(r.n) })).filter((c) => c.count > 0);
  } catch (error) {
    if (!postgres || !isInvalidText(error)) throw error;
  }
  const totals = new Map<string, number>();
  const plain = await failures()
    .where(sql<boolean>`NOT ${MAY_NOT_COUNT_ONE}`)
    .select((eb) => ['api_key', eb.fn.countAll<number | string>().as('n')])
    .groupBy('api_key')
    .execute();
  for (const r of plain) totals.set(r.api_key as string, Number(r.n));
  const parsed = await failures().where(MAY_NOT_COUNT_ONE).select(['api_key', 'event']).execute();
  for (const r of parsed) totals.set(r.api_key as string, (totals.get(r.api_key as string) ?? 0) + requestsOf(r.event));
  return [...totals].filter(([, count]) => count > 0).map(([api_key, count]) => ({ api_key, count }));
}

/**
 * Reads what the rules look at, as of `now`: the policy, environments, clusters, users, service
 * accounts, API keys, role bindings and ACLs; per key, the failed authentications of the last hour
 * (exact: aggregated events count their `data.count`);
 * and for each rotated-out key, its latest successful authentication in the audit log, aggregated events
 * included (more precise than `last_used`, which is written at most once a minute).
 */
export async function buildAdvisorSnapshot(db: Executor, now: Date): Promise<AdvisorSnapshot> {
  const nowIso = now.toISOString();
  const hourAgo = new Date(now.getTime() - HOUR_MS).toISOString();
  const [policy, environments, clusters, users, serviceAccounts, keys, roleBindings, acls, failures] = await Promise.all([
    readPolicy(db),
    db.selectFrom('environments').select(['id', 'name', 'stage']).orderBy('id').execute(),
    db.selectFrom('clusters').select(['id', 'kind', 'environment_id']).orderBy('id').execute(),
    db.selectFrom('users').select(['id', 'email', 'status']).orderBy('id').execute(),
    db.selectFrom('service_accounts').select(['id', 'name', 'status', 'created_at']).orderBy('id').execute(),
    db.selectFrom('api_keys').select(['id', 'owner_id', 'owner_kind', 'resource_id', 'resource_kind', 'status', 'created_at', 'expires_at', 'last_used', 'replaces', 'replaced_by']).orderBy('id').execute(),
    db.selectFrom('role_bindings').select(['id', 'principal', 'role_name', 'crn_pattern']).orderBy('id').execute(),
    db.selectFrom('acls').select(['id', 'cluster_id', 'principal', 'permission', 'operation', 'resource_type', 'resource_name', 'pattern_type']).orderBy('id').execute(),
    failedAuthentications(db, hourAgo, nowIso),
  ]);
  const apiKeys = keys.map((k) => ({ ...k, status: k.status === 'DISABLED' ? ('DISABLED' as const) : ('ACTIVE' as const) }));
  const rotatedOut = apiKeys.filter((k) => k.replaced_by !== null).map((k) => k.id);
  const graceUse: Array<{ api_key: string; last_used: string }> = [];
  for (const id of rotatedOut) {
    const rows = await db
      .selectFrom('audit_events')
      .select(['time', 'event'])
      .where('api_key', '=', id)
      .where('type', '=', AUTHENTICATION)
      .where('result', '=', 'SUCCESS')
      .where('time', '<=', nowIso)
      .orderBy('time', 'desc')
      .limit(GRACE_USE_ROWS)
      .execute();
    if (rows.length > 0) graceUse.push({ api_key: id, last_used: rows.map(lastRequestTime).reduce((a, b) => (b > a ? b : a)) });
  }
  return {
    now,
    policy: toAdvisorPolicy(policy),
    environments,
    clusters,
    users,
    serviceAccounts,
    apiKeys,
    roleBindings,
    acls,
    failedAuthByKey: failures,
    keyUseDuringGrace: graceUse,
  };
}

export interface AdvisorReport {
  evaluated_at: string;
  findings: Finding[];
}

export function parseSeverity(value: unknown, field = 'severity'): Severity | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !isSeverity(value)) throw errors.invalidFilter(`${field} must be one of ${SEVERITIES.join(', ')} (got "${String(value)}")`);
  return value;
}

export function createAdvisorService(deps: Pick<ServiceDeps, 'db' | 'clock' | 'authz' | 'organizationId'>) {
  return {
    /**
     * Every finding as of now, most severe first; with `minSeverity`, only those at or above it.
     * Needs `advisor:read` on the organization: OrganizationAdmin and MetricsViewer (DESIGN §5).
     */
    async findings(ctx: CallContext, options: { minSeverity?: Severity } = {}): Promise<AdvisorReport> {
      await deps.authz.require(ctx, 'advisor:read', organizationCrn(deps.organizationId));
      const now = deps.clock();
      const all = runAdvisor(await buildAdvisorSnapshot(deps.db, now));
      const { minSeverity } = options;
      const findings = minSeverity === undefined ? all : all.filter((f) => severityAtLeast(f.severity, minSeverity));
      return { evaluated_at: now.toISOString(), findings };
    },
  };
}

export type AdvisorService = ReturnType<typeof createAdvisorService>;
