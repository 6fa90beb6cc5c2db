import { describe, expect, it } from 'vitest';
import { firstFeed, pageTokenOf, TAIL_LOOKBACK_MS, tailSince, withNewerEvents, withOlderPage, type Feed, type Timed } from './feed';

const at = (id: string, second: number): Timed => ({ id, time: `2026-12-07T10:00:${String(second).padStart(2, '0')}.000Z` });
const ids = (feed: Feed<Timed>) => feed.rows.map((event) => event.id);

describe('pageTokenOf', () => {
  it('reads page_token from an absolute or a relative next link', () => {
    expect(pageTokenOf('https://keyward.example/keyward/v1/audit-events?type=management&limit=100&page_token=abc%3D')).toBe('abc=');
    expect(pageTokenOf('/keyward/v1/audit-events?page_token=xyz')).toBe('xyz');
  });
  it('is undefined without a link or a token', () => {
    expect(pageTokenOf(undefined)).toBeUndefined();
    expect(pageTokenOf('/keyward/v1/audit-events?limit=100')).toBeUndefined();
  });
});

describe('pages', () => {
  it('starts with the first page and appends older pages, each event once', () => {
    const first = firstFeed({ data: [at('c', 3), at('b', 2)], metadata: { next: '/x?page_token=t1' } });
    expect(first).toEqual({ rows: [at('c', 3), at('b', 2)], next: 't1', trimmed: false });
    const more = withOlderPage(first, { data: [at('b', 2), at('a', 1)], metadata: {} });
    expect(ids(more)).toEqual(['c', 'b', 'a']);
    expect(more.next).toBeUndefined();
  });
  it('ignores an older page once the tail trimmed the feed', () => {
    const trimmed: Feed<Timed> = { rows: [at('c', 3)], next: undefined, trimmed: true, floor: undefined };
    expect(withOlderPage(trimmed, { data: [at('a', 1)], metadata: {} })).toBe(trimmed);
  });
});

describe('withNewerEvents', () => {
  const feed = firstFeed({ data: [at('c', 30), at('b', 20), at('a', 10)], metadata: { next: '/x?page_token=t1' } });
  it('merges newer events newest first, each once, keeping the next page', () => {
    const merged = withNewerEvents(feed, [at('e', 50), at('d', 40), at('c', 30)], 10);
    expect(ids(merged)).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(merged).toMatchObject({ next: 't1', trimmed: false });
  });
  it('places a late event by its time', () => {
    expect(ids(withNewerEvents(feed, [at('late', 25)], 10))).toEqual(['c', 'late', 'b', 'a']);
  });
  it('returns the same feed when nothing is new', () => {
    expect(withNewerEvents(feed, [at('c', 30)], 10)).toBe(feed);
  });
  it('keeps at most max rows and then drops the next page, which no longer follows on', () => {
    const merged = withNewerEvents(feed, [at('e', 50), at('d', 40)], 4);
    expect(ids(merged)).toEqual(['e', 'd', 'c', 'b']);
    expect(merged).toMatchObject({ next: undefined, trimmed: true });
  });
  it('counts an event repeated within the fresh list once', () => {
    expect(ids(withNewerEvents(feed, [at('d', 40), at('d', 40)], 10))).toEqual(['d', 'c', 'b', 'a']);
  });
});

describe('tailSince', () => {
  const rows = [at('a', 10), at('b', 30)];
  const newest = Date.parse(at('b', 30).time);
  it('looks back from the newest row', () => {
    expect(tailSince({ rows, floor: undefined })).toBe(new Date(newest - TAIL_LOOKBACK_MS).toISOString());
  });
  it("never asks for events older than the filters' window", () => {
    const floor = new Date(newest - 1000).toISOString();
    expect(tailSince({ rows, floor })).toBe(floor);
    expect(tailSince({ rows, floor: new Date(newest - 10 * TAIL_LOOKBACK_MS).toISOString() })).toBe(new Date(newest - TAIL_LOOKBACK_MS).toISOString());
  });
  it("without rows asks from the window's start, or with no since at all (not from the browser's clock)", () => {
    expect(tailSince({ rows: [], floor: '2026-12-07T10:00:00.000Z' })).toBe('2026-12-07T10:00:00.000Z');
    expect(tailSince({ rows: [], floor: undefined })).toBeUndefined();
  });
});

describe('firstFeed', () => {
  it("keeps the window's start the server resolved, from metadata.first", () => {
    const feed = firstFeed({ data: [], metadata: { first: '/keyward/v1/audit-events?since=2026-12-06T12%3A00%3A00.000Z&limit=100' } });
    expect(feed.floor).toBe('2026-12-06T12:00:00.000Z');
    expect(firstFeed({ data: [], metadata: { first: '/keyward/v1/audit-events?limit=100' } }).floor).toBeUndefined();
  });
});

describe('the tail after Load more', () => {
  it('does not shrink a table that shows more than the bound', () => {
    const feed = firstFeed({ data: [at('c', 30), at('b', 20), at('a', 10)], metadata: { next: '/x?page_token=t1' } });
    const merged = withNewerEvents(feed, [at('d', 40)], 2);
    expect(ids(merged)).toEqual(['d', 'c', 'b']);
    expect(merged.trimmed).toBe(true);
  });
});
