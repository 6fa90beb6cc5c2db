/**
 * The events the audit log page shows, newest first: the first page, older pages appended through
 * `metadata.next`, and newer events merged in by the live tail (each event once, at most a bound).
 */

/** What an event must have to be placed (a CloudEvent's `id` and `time`). */
export interface Timed {
  id: string;
  time: string;
}

export interface Feed<E extends Timed> {
  /** Newest first. */
  rows: readonly E[];
  /** The page_token of the next older page; undefined when there is none (or the tail dropped rows). */
  next: string | undefined;
  /** The tail dropped the oldest rows to stay within its bound. */
  trimmed: boolean;
  /** The filters' `since` as the server resolved it (an absolute time, from `metadata.first`): the tail never asks for older events. */
  floor: string | undefined;
}

/** How far back of the newest row the tail asks again: an aggregated data-plane event carries the time of its
 * first request but is written when its minute ends (DESIGN §4), so it may arrive older than the newest row. */
export const TAIL_LOOKBACK_MS = 120_000;

/** The page_token of a page's `metadata.next` link (absolute or relative), undefined without one. */
export function pageTokenOf(next: string | undefined): string | undefined {
  if (next === undefined || next === '') return undefined;
  return new URL(next, 'http://console.invalid').searchParams.get('page_token') ?? undefined;
}

/** The `since` of a page's `metadata.first` link: the window's start as the server resolved it. */
function resolvedSince(first: string | undefined): string | undefined {
  if (first === undefined || first === '') return undefined;
  const since = new URL(first, 'http://console.invalid').searchParams.get('since');
  return since === null || Number.isNaN(Date.parse(since)) ? undefined : since;
}

export function firstFeed<E extends Timed>(page: { data: readonly E[]; metadata: { first?: string; next?: string } }): Feed<E> {
  return { rows: page.data, next: pageTokenOf(page.metadata.next), trimmed: false, floor: resolvedSince(page.metadata.first) };
}

/**
 * The feed with an older page appended (an event already shown is not shown twice); unchanged once
 * the tail trimmed it, since the page no longer follows on from the last row.
 */
export function withOlderPage<E extends Timed>(feed: Feed<E>, page: { data: readonly E[]; metadata: { next?: string } }): Feed<E> {
  if (feed.trimmed) return feed;
  const seen = new Set(feed.rows.map((event) => event.id));
  return { ...feed, rows: [...feed.rows, ...page.data.filter((event) => !seen.has(event.id))], next: pageTokenOf(page.metadata.next) };
}

const newestFirst = (a: Timed, b: Timed) => Date.parse(b.time) - Date.parse(a.time);

/**
 * The feed with the tail's events merged in, newest first, each once, at most `max` rows — or as
 * many as were shown, when "Load more" had shown more: the tail never shrinks the table. When the
 * oldest rows have to go, the next page no longer follows on from the last row, so `next` is dropped.
 */
export function withNewerEvents<E extends Timed>(feed: Feed<E>, fresh: readonly E[], max: number): Feed<E> {
  const seen = new Set(feed.rows.map((event) => event.id));
  const added: E[] = [];
  for (const event of fresh) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    added.push(event);
  }
  if (added.length === 0) return feed;
  // A stable sort keeps the server's order among events of the same time.
  const rows = [...added, ...feed.rows].sort(newestFirst);
  const bound = Math.max(max, feed.rows.length);
  if (rows.length <= bound) return { ...feed, rows };
  return { ...feed, rows: rows.slice(0, bound), next: undefined, trimmed: true };
}

/**
 * The `since` of the tail's next request: TAIL_LOOKBACK_MS before the newest row, but never before
 * the filters' own window (`floor`); without rows, the window's start, or none at all (every
 * matching event is then new, and the request's limit bounds the answer). The browser's clock is
 * never used: it may not agree with the server's.
 */
export function tailSince(feed: Pick<Feed<Timed>, 'rows' | 'floor'>): string | undefined {
  const newest = feed.rows.reduce((latest, event) => Math.max(latest, Date.parse(event.time) || 0), 0);
  const floor = feed.floor === undefined ? 0 : Date.parse(feed.floor);
  if (newest === 0) return feed.floor;
  return new Date(Math.max(newest - TAIL_LOOKBACK_MS, floor)).toISOString();
}
