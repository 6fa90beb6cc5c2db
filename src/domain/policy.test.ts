import { describe, expect, it } from 'vitest';
import { KeywardError } from './errors.js';
import { DEFAULT_POLICY, applyPolicyPatch, parseStoredPolicy, refusalForNewKey, rotatedKeyExpiry, toAdvisorPolicy, type NewKeyFacts, type Policy } from './policy.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY = 86_400_000;
const inDays = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();
const PROD = { id: 'env-prod01', name: 'prod', stage: 'production' };
const DEV = { id: 'env-dev001', name: 'dev', stage: 'development' };

function facts(overrides: Partial<NewKeyFacts> = {}): NewKeyFacts {
  return {
    owner: { kind: 'service-account', id: 'sa-orders' },
    resource: { id: 'lkc-prod01', kind: 'kafka' },
    environment: PROD,
    expiresAt: null,
    existingKeys: 0,
    now: NOW,
    ...overrides,
  };
}

const policy = (overrides: Partial<Policy>): Policy => ({ ...DEFAULT_POLICY, ...overrides });

describe('policy patches', () => {
  it('has the defaults of DESIGN §6', () => {
    expect(DEFAULT_POLICY).toEqual({
      max_key_lifetime: null,
      require_service_account_keys_in_production: false,
      max_keys_per_owner_resource: 10,
      unused_key_days: 90,
      rotation_days: 90,
    });
  });

  it('applies and normalises each field', () => {
    const next = applyPolicyPatch(DEFAULT_POLICY, {
      max_key_lifetime: '2160h',
      require_service_account_keys_in_production: true,
      max_keys_per_owner_resource: 3,
      unused_key_days: 30,
      rotation_days: 60,
    });
    expect(next).toEqual({ max_key_lifetime: '90d', require_service_account_keys_in_production: true, max_keys_per_owner_resource: 3, unused_key_days: 30, rotation_days: 60 });
    expect(applyPolicyPatch(next, { max_key_lifetime: null }).max_key_lifetime).toBeNull();
  });

  it.each([
    [{}, /Nothing to update/],
    [[], /must be a JSON object/],
    [{ max_keys: 3 }, /Unknown policy field "max_keys"/],
    [{ max_key_lifetime: 'soon' }, /Invalid max_key_lifetime "soon"/],
    [{ max_key_lifetime: '0' }, /greater than zero/],
    [{ max_key_lifetime: '3651d' }, /at most 3650d/],
    [{ max_key_lifetime: 90 }, /max_key_lifetime must be a duration/],
    [{ require_service_account_keys_in_production: 'yes' }, /must be true or false/],
    [{ max_keys_per_owner_resource: 0 }, /max_keys_per_owner_resource must be a whole number from 1 to 1000 \(got 0\)/],
    [{ unused_key_days: 1.5 }, /unused_key_days must be a whole number/],
    [{ rotation_days: '90' }, /rotation_days must be a whole number/],
  ])('refuses %j', (patch, message) => {
    let error: unknown;
    try {
      applyPolicyPatch(DEFAULT_POLICY, patch);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeywardError);
    expect((error as KeywardError).code).toBe('invalid_configuration');
    expect((error as KeywardError).message).toMatch(message);
  });

  it('reads stored JSON leniently: defaults for what is missing or broken', () => {
    expect(parseStoredPolicy(undefined)).toEqual(DEFAULT_POLICY);
    expect(parseStoredPolicy('not json')).toEqual(DEFAULT_POLICY);
    expect(parseStoredPolicy('{"rotation_days":30,"unused_key_days":-1,"extra":1}')).toEqual({ ...DEFAULT_POLICY, rotation_days: 30 });
  });

  it('gives the advisor the lifetime in milliseconds', () => {
    expect(toAdvisorPolicy(policy({ max_key_lifetime: '2d' })).max_key_lifetime_ms).toBe(2 * DAY);
    expect(toAdvisorPolicy(DEFAULT_POLICY).max_key_lifetime_ms).toBeNull();
  });
});

describe('require_service_account_keys_in_production', () => {
  const on = policy({ require_service_account_keys_in_production: true });
  const user = { kind: 'user' as const, id: 'u-alice1' };

  it('refuses a user key on a production resource, naming the policy and the command to use instead', () => {
    const refusal = refusalForNewKey(on, facts({ owner: user }));
    expect(refusal?.policy).toBe('require_service_account_keys_in_production');
    expect(refusal?.error.code).toBe('invalid_configuration');
    expect(refusal?.error.status).toBe(422);
    expect(refusal?.error.message).toContain('Policy require_service_account_keys_in_production refuses user-owned API keys on production resources');
    expect(refusal?.error.message).toContain('lkc-prod01 is in environment prod (env-prod01, stage production)');
    expect(refusal?.error.message).toContain('keyward api-key create --resource lkc-prod01 --service-account <SA_ID>');
  });

  it('accepts service-account keys, user keys elsewhere, cloud keys, and anything when off', () => {
    expect(refusalForNewKey(on, facts())).toBeNull();
    expect(refusalForNewKey(on, facts({ owner: user, environment: DEV }))).toBeNull();
    expect(refusalForNewKey(on, facts({ owner: user, resource: { id: 'cloud', kind: 'cloud' }, environment: null }))).toBeNull();
    expect(refusalForNewKey(DEFAULT_POLICY, facts({ owner: user }))).toBeNull();
  });
});

describe('max_key_lifetime', () => {
  const thirty = policy({ max_key_lifetime: '30d' });

  it('refuses a key without expiry or expiring later than the limit, saying which flag to pass', () => {
    const missing = refusalForNewKey(thirty, facts());
    expect(missing?.policy).toBe('max_key_lifetime');
    expect(missing?.error.status).toBe(422);
    expect(missing?.error.message).toContain('this key has no expiry');
    expect(missing?.error.message).toContain('Pass --expires-in 30d or less');
    expect(missing?.error.message).toContain(`--expires-at no later than ${inDays(30)}`);
    const late = refusalForNewKey(thirty, facts({ expiresAt: new Date(NOW.getTime() + 30 * DAY + 1).toISOString() }));
    expect(late?.error.message).toContain(`would expire at ${new Date(NOW.getTime() + 30 * DAY + 1).toISOString()}, after ${inDays(30)}`);
  });

  it('accepts a key expiring exactly at the limit or sooner, and anything without a limit', () => {
    expect(refusalForNewKey(thirty, facts({ expiresAt: inDays(30) }))).toBeNull();
    expect(refusalForNewKey(thirty, facts({ expiresAt: inDays(1) }))).toBeNull();
    expect(refusalForNewKey(DEFAULT_POLICY, facts())).toBeNull();
  });
});

describe('max_keys_per_owner_resource', () => {
  it('refuses the key that would exceed the quota with quota_exceeded, and accepts the one before', () => {
    const three = policy({ max_keys_per_owner_resource: 3 });
    expect(refusalForNewKey(three, facts({ existingKeys: 2 }))).toBeNull();
    const refusal = refusalForNewKey(three, facts({ existingKeys: 3 }));
    expect(refusal?.policy).toBe('max_keys_per_owner_resource');
    expect(refusal?.error.code).toBe('quota_exceeded');
    expect(refusal?.error.status).toBe(402);
    expect(refusal?.error.message).toContain('allows 3 API keys per owner and resource, and service account sa-orders already has 3 on lkc-prod01');
    expect(refusal?.error.message).toContain('keyward api-key list --service-account sa-orders --resource lkc-prod01');
    expect(refusal?.error.message).toContain('keyward policy update --max-keys-per-owner-resource 4');
  });

  it('checks ownership before lifetime before quota', () => {
    const all = policy({ require_service_account_keys_in_production: true, max_key_lifetime: '1d', max_keys_per_owner_resource: 1 });
    expect(refusalForNewKey(all, facts({ owner: { kind: 'user', id: 'u-a' }, existingKeys: 5 }))?.policy).toBe('require_service_account_keys_in_production');
    expect(refusalForNewKey(all, facts({ existingKeys: 5 }))?.policy).toBe('max_key_lifetime');
    expect(refusalForNewKey(all, facts({ existingKeys: 5, expiresAt: inDays(1) }))?.policy).toBe('max_keys_per_owner_resource');
  });
});

describe('rotated key expiry', () => {
  const created = new Date(NOW.getTime() - 10 * DAY).toISOString();

  it("gives the new key the old key's lifetime again, or none", () => {
    expect(rotatedKeyExpiry(DEFAULT_POLICY, { created_at: created, expires_at: null }, NOW)).toBeNull();
    expect(rotatedKeyExpiry(DEFAULT_POLICY, { created_at: created, expires_at: inDays(50) }, NOW)).toBe(inDays(60));
  });

  it('caps it at max_key_lifetime', () => {
    const thirty = policy({ max_key_lifetime: '30d' });
    expect(rotatedKeyExpiry(thirty, { created_at: created, expires_at: null }, NOW)).toBe(inDays(30));
    expect(rotatedKeyExpiry(thirty, { created_at: created, expires_at: inDays(50) }, NOW)).toBe(inDays(30));
    expect(rotatedKeyExpiry(thirty, { created_at: created, expires_at: inDays(10) }, NOW)).toBe(inDays(20));
  });
});
