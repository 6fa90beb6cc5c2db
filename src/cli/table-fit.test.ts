import { describe, expect, it } from 'vitest';
import { fitTable, SHRINK_FLOOR, type FitColumn } from './table-fit.js';

const boxed = (n: number) => 3 * n + 1;
const width = (fitted: Array<{ width: number }>) => fitted.reduce((sum, f) => sum + f.width, 0) + boxed(fitted.length);
const id = (w: number, priority: number): FitColumn => ({ width: w, priority, shrinkable: false });
const text = (w: number, priority: number): FitColumn => ({ width: w, priority, shrinkable: true });

describe('fitTable', () => {
  it('keeps every column at its width when the table fits', () => {
    const columns = [id(16, 0), text(20, 1), id(8, 2)];
    expect(fitTable(columns, 80, boxed)).toEqual([
      { index: 0, width: 16 },
      { index: 1, width: 20 },
      { index: 2, width: 8 },
    ]);
  });

  it('drops the least important columns first, keeping the order of the rest', () => {
    // 16 + 10 + 10 + 10 + 10 + frame 16 = 72 > 60; without priority 4 (index 1): 59
    const columns = [id(16, 0), id(10, 4), id(10, 1), id(10, 3), id(10, 2)];
    expect(fitTable(columns, 60, boxed).map((f) => f.index)).toEqual([0, 2, 3, 4]);
    expect(fitTable(columns, 50, boxed).map((f) => f.index)).toEqual([0, 2, 4]);
  });

  it('of two columns of equal priority drops the rightmost', () => {
    expect(fitTable([id(10, 0), id(10, 1), id(10, 1)], 30, boxed).map((f) => f.index)).toEqual([0, 1]);
  });

  it('shortens the widest text column before it drops a column that would fit', () => {
    const fitted = fitTable([id(16, 0), text(60, 1), id(9, 2)], 60, boxed);
    expect(fitted.map((f) => f.index)).toEqual([0, 1, 2]);
    expect(width(fitted)).toBe(60);
    expect(fitted[1]!.width).toBe(60 - 16 - 9 - boxed(3));
  });

  it('shares the shortening between text columns, widest first', () => {
    const fitted = fitTable([id(9, 0), text(50, 1), text(30, 2)], 70, boxed);
    expect(width(fitted)).toBe(70);
    expect(fitted.map((f) => f.width)).toEqual([9, 26, 25]);
  });

  it('drops a column rather than shortening a text column below SHRINK_FLOOR', () => {
    // 16 + 16 + 12 + 12 + frame 13 = 69 > 64: the text column would go below the floor, so index 3 drops
    const fitted = fitTable([id(16, 0), text(40, 1), id(12, 2), id(12, 3)], 64, boxed);
    expect(fitted.map((f) => f.index)).toEqual([0, 1, 2]);
    expect(fitted[1]!.width).toBeGreaterThanOrEqual(SHRINK_FLOOR);
    expect(width(fitted)).toBe(64);
  });

  it('never drops a column of priority 0 and never shortens an id; only when nothing else is left does a text go below the floor', () => {
    const fitted = fitTable([id(16, 0), text(40, 0), id(8, 1)], 30, boxed);
    expect(fitted.map((f) => f.index)).toEqual([0, 1]);
    expect(fitted[0]!.width).toBe(16);
    expect(width(fitted)).toBe(30);
    expect(fitted[1]!.width).toBe(30 - 16 - boxed(2));
  });

  it('prints keys wider than the terminal as they are', () => {
    expect(fitTable([id(40, 0), id(40, 0), text(10, 1)], 50, boxed)).toEqual([
      { index: 0, width: 40 },
      { index: 1, width: 40 },
    ]);
  });
});
