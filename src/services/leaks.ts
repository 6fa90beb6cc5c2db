/**
 * Leaked secrets (DESIGN §6): `POST /keyward/v1/leaks` takes reports in the shape GitHub's
 * secret-scanning partner program sends (`[{token, type, url, source}]`), finds the key each token
 * belongs to (by its SHA-256, the only form stored), disables it and audits the report as
 * `keyward.ReportLeak` with the url and source, never the token. `keyward scan --disable` uses it;
 * `keyward scan` without `--disable` asks with `dry_run` only to name the keys it found.
 */
import { errors } from '../domain/errors.js';
import { hashSecret, isWellFormedSecret } from '../domain/secrets.js';
import { apiKeysRepo, type ApiKeyRow } from '../store/repositories/api-keys.js';
import type { ApiKeyService } from './api-keys.js';
import { applyChange } from './change.js';
import type { CallContext, ServiceDeps } from './context.js';
import { nowIso } from './context.js';
import { requireText } from './validation.js';
import { createOrgAdminGuard } from './org-admin-guard.js';

export const LAST_ADMIN_KEY_LEAKED =
  'This was the last cloud key of an OrganizationAdmin: it is disabled because it leaked, and no OrganizationAdmin can log in until an operator runs keyward server recover-admin';

export const MAX_LEAK_REPORTS = 1000;

export interface LeakReport {
  token: string;
  type: string | null;
  url: string | null;
  source: string | null;
}

export interface LeakResult {
  /** `true_positive`: the token is the secret of an existing key (now disabled, unless a dry run). */
  label: 'true_positive' | 'false_positive';
  /** The key's id, when the caller may manage that key; otherwise null. */
  key: string | null;
  url: string | null;
  source: string | null;
}

function optionalText(value: unknown, field: string, index: number, max: number): string | null {
  if (value === undefined || value === null) return null;
  return requireText(value, `[${index}].${field}`, max, { allowEmpty: true });
}

/** Validates the body: an array of 1 to 1000 reports, each with a string token. */
export function parseLeakReports(body: unknown): LeakReport[] {
  if (!Array.isArray(body)) throw errors.invalid('The body must be a JSON array of {token, type, url, source}');
  if (body.length === 0) throw errors.invalid('Report at least one token');
  if (body.length > MAX_LEAK_REPORTS) throw errors.invalid(`Report at most ${MAX_LEAK_REPORTS} tokens per request (got ${body.length})`);
  return body.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null) throw errors.invalid(`[${index}] must be an object with a token`);
    const { token, type, url, source } = entry as Record<string, unknown>;
    if (typeof token !== 'string' || token === '' || token.length > 256) throw errors.invalid(`[${index}].token must be a string of 1 to 256 characters`);
    return { token, type: optionalText(type, 'type', index, 64), url: optionalText(url, 'url', index, 2048), source: optionalText(source, 'source', index, 256) };
  });
}

export function createLeakService(deps: Pick<ServiceDeps, 'db' | 'dialect' | 'clock' | 'organizationId' | 'audit' | 'changes'>, apiKeys: ApiKeyService) {
  const adminGuard = createOrgAdminGuard(deps);
  /** The key's id is named only to whoever may manage the key (its owner, or by role, DESIGN §5). */
  const mayManage = (ctx: CallContext, row: ApiKeyRow) => apiKeys.canAccess(ctx, row, 'manage');
  const subjectOf = (row: ApiKeyRow) => apiKeys.rowSubject(deps.db, row);

  return {
    /**
     * Classifies each report, in order, and (unless `dryRun`) disables every key a token belongs to,
     * in one change with one `keyward.ReportLeak` event per matching report. Any authenticated
     * caller may report: holding a key's secret is proof enough that it leaked. Tokens that are
     * not well-formed keyward secrets are false positives without a look-up.
     */
    async report(ctx: CallContext, body: unknown, options: { dryRun?: boolean } = {}): Promise<LeakResult[]> {
      const reports = parseLeakReports(body);
      const matches: Array<ApiKeyRow | undefined> = [];
      for (const report of reports) {
        matches.push(isWellFormedSecret(report.token) ? await apiKeysRepo.findByHash(deps.db, hashSecret(report.token)) : undefined);
      }
      const results: LeakResult[] = [];
      for (const [index, report] of reports.entries()) {
        const row = matches[index];
        const visible = row !== undefined && (await mayManage(ctx, row));
        results.push({ label: row ? 'true_positive' : 'false_positive', key: visible ? row.id : null, url: report.url, source: report.source });
      }
      if (options.dryRun || matches.every((row) => row === undefined)) return results;

      const subjects = new Map<string, string>();
      for (const row of matches) if (row && !subjects.has(row.id)) subjects.set(row.id, await subjectOf(row));
      await applyChange(deps, ctx, async ({ trx, audit, changed }) => {
        await adminGuard.lock(trx);
        const adminsBefore = (await adminGuard.usableAdmins(trx)).length;
        const disabledNow = new Set<string>();
        for (const [index, report] of reports.entries()) {
          const row = matches[index];
          if (!row) continue;
          const current = await apiKeysRepo.find(trx, row.id);
          if (!current) continue;
          let disabled = false;
          if (!disabledNow.has(row.id) && (current.status !== 'DISABLED' || current.disabled_reason !== 'leak')) {
            // A leaked key is enabled again only by an OrganizationAdmin (api-keys enableRefusal), also
            // when it was already disabled for a lesser reason.
            const now = nowIso(deps.clock);
            await apiKeysRepo.update(trx, row.id, { status: 'DISABLED', updated_at: now, disabled_by: ctx.actor.id, disabled_reason: 'leak', disabled_at: now });
            disabledNow.add(row.id);
            changed({ kind: 'api-key', id: row.id });
            disabled = current.status !== 'DISABLED';
          }
          // A leaked secret is public: it is disabled even when it is the last key an
          // OrganizationAdmin can log in with (the one exception to org-admin-guard.ts's invariant).
          // The event says so; an operator with access to the store runs `server recover-admin`.
          let lockedOut: string | undefined;
          if (disabled && current.resource_kind === 'cloud' && adminsBefore > 0 && (await adminGuard.usableAdmins(trx)).length === 0) {
            lockedOut = LAST_ADMIN_KEY_LEAKED;
          }
          audit({
            method: 'keyward.ReportLeak',
            subject: subjects.get(row.id) as string,
            details: { id: row.id, owner: row.owner_id, disabled, ...(lockedOut ? { warning: lockedOut } : {}), type: report.type, url: report.url, source: report.source },
          });
        }
      });
      return results;
    },
  };
}

export type LeakService = ReturnType<typeof createLeakService>;
