/**
 * The audit log page's filters, kept in the URL query under the names of `GET /keyward/v1/audit-events`
 * (`/console/audit?api_key=…&type=management&result=failure&since=24h`), so a filtered view can be
 * linked and the back button returns to the previous one. The server checks the values.
 */
import { AUDIT_TYPES, type AuditTypeName } from '../../../src/contract/index';
import { paths } from '../routes';

export interface AuditFilters {
  api_key: string;
  principal: string;
  type: string;
  result: string;
  since: string;
  until: string;
  target: string;
}

export const AUDIT_FILTER_NAMES = ['api_key', 'principal', 'type', 'result', 'since', 'until', 'target'] as const satisfies ReadonlyArray<keyof AuditFilters>;

/** `GET /keyward/v1/audit-events/export` takes every filter but `target`. */
export const EXPORT_FILTER_NAMES = ['api_key', 'principal', 'type', 'result', 'since', 'until'] as const satisfies ReadonlyArray<keyof AuditFilters>;

export const EMPTY_AUDIT_FILTERS: AuditFilters = { api_key: '', principal: '', type: '', result: '', since: '', until: '', target: '' };

const SHORT_TYPES: ReadonlyMap<string, AuditTypeName> = new Map(Object.entries(AUDIT_TYPES).map(([name, type]) => [type, name as AuditTypeName]));

/**
 * The filters of a URL query; missing ones are ''. A CloudEvents type (`io.keyward.management`) is
 * read as its short name, and a type or result in any case (`Management`, `SUCCESS`) in lower case.
 */
export function auditFiltersFromQuery(query: Readonly<Record<string, string | undefined>>): AuditFilters {
  const filters = { ...EMPTY_AUDIT_FILTERS };
  for (const name of AUDIT_FILTER_NAMES) filters[name] = (query[name] ?? '').trim();
  // the API reads both case-insensitively; the form's options are the lower-case names
  filters.type = SHORT_TYPES.get(filters.type) ?? filters.type.toLowerCase();
  filters.result = filters.result.toLowerCase();
  return filters;
}

function queryString(filters: AuditFilters, names: ReadonlyArray<keyof AuditFilters>): string {
  const params = new URLSearchParams();
  for (const name of names) {
    const value = filters[name].trim();
    if (value !== '') params.set(name, value);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The query string of the filters (empty ones left out), "" when none is set. */
export function queryOfAuditFilters(filters: AuditFilters): string {
  return queryString(filters, AUDIT_FILTER_NAMES);
}

/** The filters (all, or those `names`) as the query of an API request (empty ones left out). */
export function apiQueryOfAuditFilters(filters: AuditFilters, names: ReadonlyArray<keyof AuditFilters> = AUDIT_FILTER_NAMES): Partial<AuditFilters> {
  const query: Partial<AuditFilters> = {};
  for (const name of names) {
    const value = filters[name].trim();
    if (value !== '') query[name] = value;
  }
  return query;
}

export function isAuditFiltered(filters: AuditFilters): boolean {
  return AUDIT_FILTER_NAMES.some((name) => filters[name].trim() !== '');
}

/** The console's audit log page showing these filters: `auditLogHref({ api_key: id })`. */
export function auditLogHref(filters: Partial<AuditFilters>): string {
  return `${paths.audit}${queryOfAuditFilters({ ...EMPTY_AUDIT_FILTERS, ...filters })}`;
}

/** The download of every event the filters match (JSON lines, oldest first); `target` cannot be exported. */
export function auditExportHref(filters: AuditFilters): string {
  return `/keyward/v1/audit-events/export${queryString(filters, EXPORT_FILTER_NAMES)}`;
}
