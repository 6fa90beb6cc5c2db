/**
 * The advisor service: reads one snapshot of the organization from the store and the audit log
 * (`buildAdvisorSnapshot`) and runs the pure rules of `domain/advisor` over it. Nothing here
 * decides a finding; the rules are unit-tested with their own snapshots.
 */
import { runAdvisor, isSeverity, severityAtLeast, SEVERITIES, type AdvisorSnapshot, type Finding, type Severity } from '../domain/advisor/index.js';
import { errors } from '../domain/errors.js';
import { toAdvisorPolicy } from '../domain/policy.js';
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

/**
 * Reads what the rules look at, as of `now`: the policy, environments, clusters, users, service
 * accounts, API keys, role bindings and ACLs; per key, the failed authentications of the last hour;
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
    db
      .selectFrom('audit_events')
      .select((eb) => ['api_key', eb.fn.countAll<number>().as('n')])
      .where('type', '=', AUTHENTICATION)
      .where('result', '!=', 'SUCCESS')
      .where('api_key', 'is not', null)
      .where('time', '>', hourAgo)
      .where('time', '<=', nowIso)
      .groupBy('api_key')
      .execute(),
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
    failedAuthByKey: failures.map((f) => ({ api_key: f.api_key as string, count: Number(f.n) })),
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

export function createAdvisorService(deps: ServiceDeps) {
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
