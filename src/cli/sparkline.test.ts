import { describe, expect, it } from 'vitest';
import { SPARK_BLOCKS, sparkline } from './sparkline.js';

describe('sparkline', () => {
  it('scales each row to its own largest value', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([10, 20, 30, 40, 50, 60, 70, 80])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([5, 5, 5])).toBe('███');
    expect(sparkline([0, 1000, 500])).toBe(' █▄');
  });

  it('keeps a small value visible and a zero blank', () => {
    expect(sparkline([1, 1_000_000])).toBe('▁█');
    expect(sparkline([0, 0, 1, 0])).toBe('  █ ');
    expect(sparkline([0, 0], '·')).toBe('··');
    expect(sparkline([])).toBe('');
  });

  it('draws one character per value, only block characters', () => {
    const values = Array.from({ length: 1440 }, (_, i) => (i * 7919) % 101);
    const line = sparkline(values);
    expect([...line]).toHaveLength(1440);
    expect([...line].every((c) => c === ' ' || SPARK_BLOCKS.includes(c))).toBe(true);
    expect(line).toContain('█');
  });
});
