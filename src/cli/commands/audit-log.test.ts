import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../client.js';
import { listEvents } from './audit-log.js';

/** A server of `total` events, newest first, that pages with `limit` and a numeric token. */
function fakeClient(total: number) {
  const requests: string[] = [];
  const client = {
    async get(path: string) {
      requests.push(path);
      const url = new URL(path, 'http://keyward.test');
      const limit = Number(url.searchParams.get('limit'));
      const from = Number(url.searchParams.get('page_token') ?? '0');
      const data = Array.from({ length: Math.max(0, Math.min(limit, total - from)) }, (_, i) => ({ id: `e${from + i}` }));
      const next = new URL(url);
      next.searchParams.set('page_token', String(from + data.length));
      return { data, metadata: from + data.length < total ? { next: `http://keyward.test${next.pathname}${next.search}` } : {} };
    },
  };
  return { client: client as unknown as ApiClient, requests };
}

describe('audit-log list paging', () => {
  it('asks for at most 1000 events a page and stops at --limit', async () => {
    const { client, requests } = fakeClient(5000);
    const events = await listEvents(client, { type: 'management', since: '24h' }, 2500);
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: 2500 }, (_, i) => `e${i}`));
    expect(requests.map((r) => new URL(r, 'http://x').searchParams.get('limit'))).toEqual(['1000', '1000', '500']);
    expect(requests[0]).toBe('/keyward/v1/audit-events?type=management&since=24h&limit=1000');
  });

  it('stops at the last page', async () => {
    const { client, requests } = fakeClient(3);
    expect(await listEvents(client, {}, 100)).toHaveLength(3);
    expect(requests).toEqual(['/keyward/v1/audit-events?limit=100']);
  });
});
