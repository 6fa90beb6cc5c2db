/**
 * The keys table's filters, kept in the URL query (`?owner=sa-…&status=expired&q=orders`) so a
 * filtered view can be linked; applied to the loaded rows in the browser.
 */
import { API_KEY_STATES } from '../../../src/contract/index';
import type { KeyBadge } from './attention';
import type { KeyRow } from './rows';

export interface KeyFilters {
  owner: string;
  resource: string;
  environment: string;
  status: string;
  q: string;
}

export const FILTER_NAMES = ['owner', 'resource', 'environment', 'status', 'q'] as const satisfies ReadonlyArray<keyof KeyFilters>;

/** The status filter's values: the contract's key states, then the console's two warnings. */
export const STATUS_FILTERS: readonly KeyBadge[] = [...API_KEY_STATES, 'expiring soon', 'elevated failures'];

export function filtersFromQuery(query: Readonly<Record<string, string | undefined>>): KeyFilters {
  return { owner: query.owner ?? '', resource: query.resource ?? '', environment: query.environment ?? '', status: query.status ?? '', q: query.q ?? '' };
}

/** The query string of the filters (empty ones left out), "" when none is set. */
export function queryOfFilters(filters: KeyFilters): string {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) if (filters[name] !== '') params.set(name, filters[name]);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export function isFiltered(filters: KeyFilters): boolean {
  return FILTER_NAMES.some((name) => filters[name] !== '');
}

/** The rows the filters let through; owner and resource match ids, environment its id, the search any text. */
export function applyFilters(rows: readonly KeyRow[], filters: KeyFilters): readonly KeyRow[] {
  if (!isFiltered(filters)) return rows;
  const search = filters.q.trim().toLowerCase();
  return rows.filter((row) => {
    const spec = row.key.spec;
    if (filters.owner !== '' && spec.owner.id !== filters.owner) return false;
    if (filters.resource !== '' && spec.resource.id !== filters.resource) return false;
    if (filters.environment !== '' && spec.resource.environment !== filters.environment) return false;
    if (filters.status !== '' && !row.badges.includes(filters.status as KeyBadge)) return false;
    return search === '' || row.search.includes(search);
  });
}
