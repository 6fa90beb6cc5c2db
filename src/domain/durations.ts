import { errors } from './errors.js';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Parses `90d`, `24h`, `30m`, `45s`, `2w` or a combination such as `1d12h` into milliseconds. */
export function parseDuration(text: string, what = 'duration'): number {
  const trimmed = text.trim();
  const re = /(\d+)\s*([smhdw])/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(trimmed)) !== null) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    consumed = re.lastIndex;
  }
  if (trimmed === '0') return 0;
  if (consumed === 0 || consumed !== trimmed.length) {
    throw errors.invalid(`Invalid ${what} "${text}": use a number and a unit, such as 90d, 24h, 30m or 45s`);
  }
  return total;
}

/** Formats milliseconds as the largest whole units, e.g. 90d, 1d12h, 15m. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [['d', UNIT_MS.d], ['h', UNIT_MS.h], ['m', UNIT_MS.m], ['s', UNIT_MS.s]] as const) {
    const n = Math.floor(rest / (size as number));
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * (size as number);
    }
  }
  return out || `${ms}ms`;
}
