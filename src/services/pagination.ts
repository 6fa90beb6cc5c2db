import { errors } from '../domain/errors.js';

export interface PageRequest {
  pageSize?: number;
  pageToken?: string;
}

export interface PageResult<T> {
  items: T[];
  total: number;
  /** Token for the next page, or undefined on the last page. */
  nextToken?: string;
}

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

export function decodePage(request: PageRequest): { limit: number; offset: number } {
  const limit = request.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw errors.invalidFilter(`page_size must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  let offset = 0;
  if (request.pageToken !== undefined && request.pageToken !== '') {
    // Node's base64url decoder skips characters outside its alphabet, so "!!" would decode to "" (= 0).
    const decoded = /^[A-Za-z0-9_-]{1,16}$/.test(request.pageToken) ? Buffer.from(request.pageToken, 'base64url').toString('utf8') : '';
    if (!/^[0-9]{1,9}$/.test(decoded)) throw errors.invalidFilter('page_token is not valid');
    offset = Number(decoded);
  }
  return { limit, offset };
}

/**
 * One page of the rows the caller may see. Visibility is decided per row (by the authorizer), so
 * the rows are filtered here and paged in memory.
 */
export async function visiblePage<T>(rows: T[], canSee: (row: T) => Promise<boolean>, page: { limit: number; offset: number }): Promise<PageResult<T>> {
  const visible: T[] = [];
  for (const row of rows) if (await canSee(row)) visible.push(row);
  return pageResult(visible.slice(page.offset, page.offset + page.limit), visible.length, page);
}

export function pageResult<T>(items: T[], total: number, page: { limit: number; offset: number }): PageResult<T> {
  const next = page.offset + items.length;
  return next < total ? { items, total, nextToken: Buffer.from(String(next), 'utf8').toString('base64url') } : { items, total };
}
