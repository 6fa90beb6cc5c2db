import { describe, expect, it } from 'vitest';
import { displayWidth, padVisible, shorten } from './display-width.js';

describe('displayWidth', () => {
  it('counts terminal cells: escapes 0, combining marks 0, wide characters 2', () => {
    expect(displayWidth('ACTIVE')).toBe(6);
    expect(displayWidth('\u001b[32mACTIVE\u001b[39m')).toBe(6);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('🔑 key')).toBe(6);
    expect(displayWidth('…')).toBe(1);
  });
});

describe('shorten', () => {
  it('cuts at the end with … to at most the width', () => {
    expect(shorten('production payments', 10)).toBe('productio…');
    expect(shorten('short', 10)).toBe('short');
    expect(shorten('日本語のテキスト', 7)).toBe('日本語…');
    expect(displayWidth(shorten('日本語のテキスト', 7))).toBeLessThanOrEqual(7);
  });

  it('cuts at the start for texts whose tail tells them apart', () => {
    expect(shorten('crn://keyward/organization=x/environment=env-abc123', 18, 'start')).toBe('…onment=env-abc123');
  });
});

describe('padVisible', () => {
  it('pads by visible width, so colours do not count', () => {
    expect(padVisible('\u001b[31mDENY\u001b[39m', 6)).toBe('\u001b[31mDENY\u001b[39m  ');
    expect(padVisible('7', 3, 'right')).toBe('  7');
  });
});
