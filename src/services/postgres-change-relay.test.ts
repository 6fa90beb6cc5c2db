import { describe, expect, it } from 'vitest';
import { payloads } from './postgres-change-relay.js';

describe('payloads', () => {
  it('splits large batches under the NOTIFY limit and keeps every change', () => {
    const changes = Array.from({ length: 1000 }, (_, i) => ({ kind: 'api-key' as const, id: `KEY${String(i).padStart(13, '0')}` }));
    const out = payloads('me', changes);
    expect(out.length).toBeGreaterThan(1);
    for (const p of out) expect(p.length).toBeLessThanOrEqual(7000);
    const back = out.flatMap((p) => (JSON.parse(p) as { changes: unknown[] }).changes);
    expect(back).toEqual(changes);
  });
  it('sends one small batch as one payload', () => {
    expect(payloads('me', [{ kind: 'owner', id: 'sa-abc123' }])).toEqual(['{"origin":"me","changes":[{"kind":"owner","id":"sa-abc123"}]}']);
  });
});
