import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './durations.js';

describe('durations', () => {
  it('parses units and combinations', () => {
    expect(parseDuration('90d')).toBe(90 * 86_400_000);
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('1d12h')).toBe(36 * 3_600_000);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('0s')).toBe(0);
  });
  it('refuses garbage with a clear message', () => {
    expect(() => parseDuration('soon')).toThrow(/Invalid duration "soon"/);
    expect(() => parseDuration('10x')).toThrow(/Invalid/);
    expect(() => parseDuration('5h3')).toThrow(/Invalid/);
  });
  it('formats back', () => {
    expect(formatDuration(36 * 3_600_000)).toBe('1d12h');
    expect(formatDuration(0)).toBe('0s');
  });
});
