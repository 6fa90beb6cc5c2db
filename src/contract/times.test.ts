import { describe, expect, it } from 'vitest';
import { parseTime } from './times.js';

describe('parseTime', () => {
  it('reads ISO-8601 dates and date-times; without a zone, UTC', () => {
    expect(parseTime('2027-01-31')?.toISOString()).toBe('2027-01-31T00:00:00.000Z');
    expect(parseTime('2027-01-31T12:30:00Z')?.toISOString()).toBe('2027-01-31T12:30:00.000Z');
    expect(parseTime('2027-01-31T12:30:00+02:00')?.toISOString()).toBe('2027-01-31T10:30:00.000Z');
    expect(parseTime('2027-01-31T12:30')?.toISOString()).toBe('2027-01-31T12:30:00.000Z');
    expect(parseTime('2027-01-31 12:30:00.250Z')?.toISOString()).toBe('2027-01-31T12:30:00.250Z');
  });

  it('refuses anything else', () => {
    for (const text of ['tomorrow', '24h', '2027-13-01', '2027-02-30T00:00:00Z', '2027-01-31T25:00:00Z', '1700000000', '']) {
      expect(parseTime(text), text).toBeUndefined();
    }
  });
});
