/** The eight block heights, lowest first. */
export const SPARK_BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * One character per value, scaled to the row's own largest value: that one is `█`, any other value
 * above zero at least `▁` (so a single authentication stays visible), and zero is `zero` (a space
 * by default, so that "none" and "a few" look different).
 */
export function sparkline(values: readonly number[], zero = ' '): string {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  let line = '';
  for (const v of values) {
    if (!(v > 0)) {
      line += zero;
      continue;
    }
    const level = Math.min(SPARK_BLOCKS.length, Math.max(1, Math.ceil((v / max) * SPARK_BLOCKS.length)));
    line += SPARK_BLOCKS[level - 1];
  }
  return line;
}
