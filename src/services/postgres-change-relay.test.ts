import { describe, expect, it } from 'vitest';
import { channelFor, payloads } from './postgres-change-relay.js';

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

describe('channelFor', () => {
  it('gives each schema its own valid channel name', () => {
    expect(channelFor('public')).toMatch(/^keyward_changes_[0-9a-f]{16}$/);
    expect(channelFor('public')).toBe(channelFor('public'));
    expect(channelFor('tenant_a')).not.toBe(channelFor('tenant_b'));
  });
});
