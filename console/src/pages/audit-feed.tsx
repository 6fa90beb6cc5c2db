import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { firstFeed, tailSince, withNewerEvents, withOlderPage, type Feed } from '../audit/feed';
import { apiQueryOfAuditFilters, queryOfAuditFilters, type AuditFilters } from '../audit/filters';
import type { AuditEvent, AuditEventList } from '../../../src/contract/index';

const LIST_PATH = '/keyward/v1/audit-events';
/** Events per page of the table. */
export const PAGE_LIMIT = 100;
/** The live tail asks this often. */
export const TAIL_INTERVAL_MS = 3000;
/** The live tail keeps at most this many rows (the oldest go), or as many as "Load more" had shown. */
export const TAIL_MAX_ROWS = 500;
/** After failures in a row, the tail skips at most this many intervals between attempts. */
const TAIL_MAX_BACKOFF = 10;

export interface AuditFeed {
  feed: Feed<AuditEvent> | undefined;
  loading: boolean;
  error: unknown;
  loadingMore: boolean;
  loadMore(): void;
  /** The last tail request failed (the tail keeps trying). */
  tailError: unknown;
  reload(): void;
}

const EMPTY_ERROR: unknown = undefined;

/**
 * The audit log for `filters`: the first page, "Load more" through `metadata.next`, and while `tail`
 * is on, a request every TAIL_INTERVAL_MS (less often after failures) for events from shortly before
 * the newest row, within the filters' window, merged in.
 * A newer load (other filters, reload) or unmounting aborts what is under way and stops the tail.
 */
export function useAuditFeed(filters: AuditFilters, tail: boolean): AuditFeed {
  const key = queryOfAuditFilters(filters);
  const [feed, setFeed] = useState<Feed<AuditEvent> | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(EMPTY_ERROR);
  const [loadingMore, setLoadingMore] = useState(false);
  const [tailError, setTailError] = useState<unknown>(EMPTY_ERROR);
  const [generation, setGeneration] = useState(0);
  const feedRef = useRef(feed);
  feedRef.current = feed;
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const moreRef = useRef<AbortController | null>(null);
  const shownKey = useRef<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    // Other filters: their rows only. A reload of the same ones keeps the rows on screen meanwhile.
    if (shownKey.current !== key) setFeed(undefined);
    shownKey.current = key;
    api.get<AuditEventList>(LIST_PATH, { ...apiQueryOfAuditFilters(filtersRef.current), limit: PAGE_LIMIT }, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setFeed(firstFeed(page));
        setError(EMPTY_ERROR);
        setLoading(false);
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        setError(failure);
        setLoading(false);
      },
    );
    return () => {
      controller.abort();
      moreRef.current?.abort();
    };
  }, [key, generation]);

  useEffect(() => {
    if (!tail) return undefined;
    const controller = new AbortController();
    let inFlight = false;
    // after a failure the tail waits 1, 3, 7… intervals (at most TAIL_MAX_BACKOFF) before it asks again
    let failures = 0;
    let skip = 0;
    const poll = () => {
      const current = feedRef.current;
      if (inFlight || current === undefined) return;
      if (skip > 0) {
        skip -= 1;
        return;
      }
      inFlight = true;
      api
        .get<AuditEventList>(LIST_PATH, { ...apiQueryOfAuditFilters(filtersRef.current), since: tailSince(current), limit: TAIL_MAX_ROWS }, controller.signal)
        .then(
          (page) => {
            if (controller.signal.aborted) return;
            failures = 0;
            setFeed((before) => (before === undefined ? before : withNewerEvents(before, page.data, TAIL_MAX_ROWS)));
            setTailError(EMPTY_ERROR);
          },
          (failure: unknown) => {
            if (controller.signal.aborted) return;
            failures += 1;
            skip = Math.min(2 ** failures - 1, TAIL_MAX_BACKOFF);
            setTailError(failure);
          },
        )
        .finally(() => {
          inFlight = false;
        });
    };
    const timer = setInterval(poll, TAIL_INTERVAL_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
      setTailError(EMPTY_ERROR);
    };
  }, [tail, key, generation]);

  const loadMore = useCallback(() => {
    const current = feedRef.current;
    if (current?.next === undefined || moreRef.current !== null) return;
    const controller = new AbortController();
    moreRef.current = controller;
    setLoadingMore(true);
    api
      .get<AuditEventList>(LIST_PATH, { ...apiQueryOfAuditFilters(filtersRef.current), limit: PAGE_LIMIT, page_token: current.next }, controller.signal)
      .then(
        (page) => {
          if (controller.signal.aborted) return;
          setFeed((before) => (before === undefined ? before : withOlderPage(before, page)));
          setError(EMPTY_ERROR);
        },
        (failure: unknown) => {
          if (!controller.signal.aborted) setError(failure);
        },
      )
      .finally(() => {
        if (moreRef.current === controller) moreRef.current = null;
        setLoadingMore(false);
      });
  }, []);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { feed, loading, error, loadingMore, loadMore, tailError, reload };
}
