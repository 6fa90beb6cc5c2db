import { describe, expect, it } from 'vitest';
import { principalId, principalOf } from './principal.js';

describe('principals', () => {
  it('are User:<id> for users and service accounts alike', () => {
    expect(principalOf('sa-abc123')).toBe('User:sa-abc123');
    expect(principalOf('u-abc123')).toBe('User:u-abc123');
  });

  it('give their id back; what is not User:<id> stays as it is', () => {
    expect(principalId(principalOf('sa-abc123'))).toBe('sa-abc123');
    expect(principalId('User:*')).toBe('*');
    expect(principalId('sa-abc123')).toBe('sa-abc123');
    expect(principalId('Group:ops')).toBe('Group:ops');
  });
});
