import { stripVTControlCharacters } from 'node:util';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// East Asian Wide and Fullwidth blocks (Hangul Jamo, CJK, Hangul syllables, fullwidth forms) and
// the emoji blocks: what a terminal draws two cells wide.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f680}-\u{1f6ff}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]|\p{Emoji_Presentation}|\ufe0f/u;
// Marks, zero-width spaces and joiners, soft hyphen: drawn in no cell of their own.
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}\u200b]+$/u;

function clusterWidth(cluster: string): number {
  if (ZERO.test(cluster)) return 0;
  return WIDE.test(cluster) ? 2 : 1;
}

/** How many terminal cells a text takes: ANSI escapes count 0, wide (CJK, emoji) characters 2. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of segmenter.segment(stripVTControlCharacters(text))) width += clusterWidth(segment);
  return width;
}

/**
 * A text shortened to at most `width` cells with `…` where it was cut: at the end, or at the
 * start for texts whose tail tells them apart (paths, CRNs). Takes text without ANSI escapes.
 */
export function shorten(text: string, width: number, cut: 'end' | 'start' = 'end'): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  const clusters = Array.from(segmenter.segment(text), (s) => s.segment);
  if (cut === 'start') clusters.reverse();
  const kept: string[] = [];
  let used = 1; // the ellipsis
  for (const cluster of clusters) {
    const w = clusterWidth(cluster);
    if (used + w > width) break;
    kept.push(cluster);
    used += w;
  }
  return cut === 'start' ? '…' + kept.reverse().join('') : kept.join('') + '…';
}

/** Pads a text (which may hold ANSI escapes) with spaces to `width` visible cells. */
export function padVisible(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? text + fill : fill + text;
}
