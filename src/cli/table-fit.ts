/** One column as the fitting sees it. */
export interface FitColumn {
  /** Display width of its widest cell, header included. */
  width: number;
  /** 0: never dropped (the row's key); otherwise the column with the highest number drops first. */
  priority: number;
  /** May its cells be shortened with `…`? (Identifiers, times and statuses may not.) */
  shrinkable: boolean;
}

/** A shrinkable column is shortened to this width before a more important column is dropped for it. */
export const SHRINK_FLOOR = 16;
/** The narrowest a shrinkable column gets when even the key columns alone leave no room: one letter and `…`. */
const LAST_RESORT = 2;

/** Display width of a table with these column widths: the cells plus what its frame adds for `count` columns. */
export type FrameWidth = (count: number) => number;

/** The columns to print, in their original order, with the width of each. */
export type Fitted = Array<{ index: number; width: number }>;

function total(widths: readonly number[], frame: FrameWidth): number {
  return widths.reduce((sum, w) => sum + w, 0) + frame(widths.length);
}

/** Takes cells off the widest shrinkable column, one at a time, down to `floor`, until the table fits. */
function shrink(kept: Fitted, columns: readonly FitColumn[], max: number, frame: FrameWidth, floor: (c: FitColumn) => number): void {
  let excess = total(kept.map((k) => k.width), frame) - max;
  while (excess > 0) {
    let widest: { index: number; width: number } | undefined;
    for (const k of kept) {
      const column = columns[k.index] as FitColumn;
      // of equals, the rightmost (the less important)
      if (column.shrinkable && k.width > floor(column) && (!widest || k.width >= widest.width)) widest = k;
    }
    if (!widest) return;
    widest.width -= 1;
    excess -= 1;
  }
}

/**
 * Fits a table into `max` display columns. The least important columns drop first (never one of
 * priority 0), until the rest fit with their shrinkable columns at most SHRINK_FLOOR wide; then the
 * widest shrinkable columns are shortened until the table fits. Only when the columns that cannot
 * be shortened leave no room at all do shrinkable ones go below SHRINK_FLOOR; a table of keys
 * alone wider than `max` is printed as it is (identifiers are never cut).
 */
export function fitTable(columns: readonly FitColumn[], max: number, frame: FrameWidth): Fitted {
  const floor = (c: FitColumn) => (c.shrinkable ? Math.min(c.width, SHRINK_FLOOR) : c.width);
  const kept = columns.map((c, index) => ({ index, width: c.width }));
  const narrowest = () => total(kept.map((k) => floor(columns[k.index] as FitColumn)), frame);
  const priority = (k: { index: number }) => (columns[k.index] as FitColumn).priority;
  while (narrowest() > max) {
    const droppable = kept.filter((k) => priority(k) > 0);
    if (droppable.length === 0) break;
    // the highest number; of equals, the rightmost
    const least = droppable.reduce((a, b) => (priority(b) >= priority(a) ? b : a));
    kept.splice(kept.indexOf(least), 1);
  }
  shrink(kept, columns, max, frame, floor);
  shrink(kept, columns, max, frame, (c) => Math.min(c.width, LAST_RESORT));
  return kept;
}
