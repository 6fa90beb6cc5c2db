import { describe, expect, it } from 'vitest';
import { ALICE, NOW, apiKey, hoursAgo, hoursFromNow, snapshot } from '../test-support/snapshot-builder.js';
import type { AdvisorSnapshot, SnapshotApiKey } from '../types.js';
import { oldKeyStillInUseRule } from './old-key-still-in-use.js';

const OLD = 'ROTATEDOUTKEY001';
const NEW = 'REPLACEMENTKEY01';

/** Rotated two hours ago with a 24h grace: the new key exists since then, the old one expires in 22h. */
function rotation(old: Partial<SnapshotApiKey>, extra: Partial<AdvisorSnapshot> = {}): AdvisorSnapshot {
  return snapshot({
    apiKeys: [
      apiKey({ id: OLD, replaced_by: NEW, expires_at: hoursFromNow(22), last_used: hoursAgo(3), ...old }),
      apiKey({ id: NEW, replaces: OLD, created_at: hoursAgo(2), last_used: hoursAgo(0.5) }),
    ],
    ...extra,
  });
}

describe('old-key-still-in-use', () => {
  it('reports a rotated-out key used after its replacement was created', () => {
    const [finding, ...rest] = oldKeyStillInUseRule.evaluate(rotation({ last_used: hoursAgo(1) }));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ id: `old-key-still-in-use:${OLD}`, severity: 'medium', subject: OLD });
    expect(finding?.message).toContain(`API key ${OLD} of service account sa-orders ("orders-app")`);
    expect(finding?.message).toContain(`rotated out in favour of ${NEW} at 2025-06-01T10:00:00Z`);
    expect(finding?.message).toContain('still used at 2025-06-01T11:00:00Z, 1h later');
    expect(finding?.message).toContain('It stops working at 2025-06-02T10:00:00Z (in 22h)');
    expect(finding?.remediation).toBe(
      `keyward audit-log list --api-key ${OLD} --result success --since 2h\nkeyward api-key list --service-account sa-orders --resource lkc-dev001`,
    );
  });

  it('does not report a key last used exactly when, or before, its replacement was created, or never', () => {
    expect(oldKeyStillInUseRule.evaluate(rotation({ last_used: hoursAgo(2) }))).toEqual([]);
    expect(oldKeyStillInUseRule.evaluate(rotation({ last_used: hoursAgo(3) }))).toEqual([]);
    expect(oldKeyStillInUseRule.evaluate(rotation({ last_used: null }))).toEqual([]);
  });

  it('uses the more precise grace-period use when the caller supplies one', () => {
    const withGraceUse = rotation({ last_used: hoursAgo(3) }, { keyUseDuringGrace: [{ api_key: OLD, last_used: hoursAgo(0.25) }] });
    const [finding] = oldKeyStillInUseRule.evaluate(withGraceUse);
    expect(finding?.message).toContain('still used at 2025-06-01T11:45:00Z, 1h45m later');
    const otherKeysUse = rotation({ last_used: hoursAgo(3) }, { keyUseDuringGrace: [{ api_key: NEW, last_used: hoursAgo(0.25) }] });
    expect(oldKeyStillInUseRule.evaluate(otherKeysUse)).toEqual([]);
  });

  it('ignores rotated-out keys that can no longer authenticate, and keys whose replacement is gone', () => {
    const used = { last_used: hoursAgo(1) };
    expect(oldKeyStillInUseRule.evaluate(rotation({ ...used, expires_at: NOW.toISOString() }))).toEqual([]);
    expect(oldKeyStillInUseRule.evaluate(rotation({ ...used, status: 'DISABLED' }))).toEqual([]);
    const orphan = snapshot({ apiKeys: [apiKey({ id: OLD, replaced_by: NEW, expires_at: hoursFromNow(22), ...used })] });
    expect(oldKeyStillInUseRule.evaluate(orphan)).toEqual([]);
  });

  it('ignores keys that were never rotated, however recently used', () => {
    expect(oldKeyStillInUseRule.evaluate(snapshot({ apiKeys: [apiKey({ id: OLD, last_used: NOW.toISOString() })] }))).toEqual([]);
  });

  it('says when a rotated-out key has no expiry', () => {
    const [finding] = oldKeyStillInUseRule.evaluate(rotation({ last_used: hoursAgo(1), expires_at: null, owner_id: ALICE.id, owner_kind: 'user' }));
    expect(finding?.message).toContain('of user alice@example.com');
    expect(finding?.message).toContain('It has no expiry set');
  });
});
