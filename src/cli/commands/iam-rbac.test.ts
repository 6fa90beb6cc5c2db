import { describe, expect, it } from 'vitest';
import { scopeWithinOrganization } from './iam-rbac.js';

describe('scopeWithinOrganization', () => {
  const org = 'crn://keyward/organization=24f3efbb-0bda-43cb-9421-21e1c263bcb3';
  it('shows what follows the organization', () => {
    expect(scopeWithinOrganization(`${org}/environment=env-abc123/cloud-cluster=lkc-abc123/kafka=lkc-abc123/topic=orders*`)).toBe('environment=env-abc123/cloud-cluster=lkc-abc123/kafka=lkc-abc123/topic=orders*');
  });
  it('names the organization itself', () => {
    expect(scopeWithinOrganization(org)).toBe('organization');
  });
  it('leaves any other text as it is', () => {
    expect(scopeWithinOrganization('crn://other/x=y')).toBe('crn://other/x=y');
  });
});
