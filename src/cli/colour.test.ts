import { describe, expect, it } from 'vitest';
import { colourWanted, paint, severityStyle, statusStyle } from './colour.js';

describe('colourWanted', () => {
  it('colours a terminal only', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({}, {})).toBe(false);
  });

  it('never colours with NO_COLOR set to anything, nor on a dumb terminal', () => {
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: 'false' })).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourWanted({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});

describe('paint', () => {
  it('wraps the text in SGR codes when on, and leaves it alone when off', () => {
    expect(paint('ACTIVE', 'green', true)).toBe('\u001b[32mACTIVE\u001b[39m');
    expect(paint('ACTIVE', 'green', false)).toBe('ACTIVE');
    expect(paint('x', undefined, true)).toBe('x');
  });
});

describe('statusStyle and severityStyle', () => {
  it('colours statuses by their first word', () => {
    expect(statusStyle('ACTIVE')).toBe('green');
    expect(statusStyle('UP')).toBe('green');
    expect(statusStyle('DISABLED')).toBe('red');
    expect(statusStyle('EXPIRED')).toBe('yellow');
    expect(statusStyle('UNAUTHENTICATED (bad_secret)')).toBe('red');
    expect(statusStyle('DENY')).toBe('red');
    expect(statusStyle('whatever')).toBeUndefined();
  });

  it('colours severities high red, medium yellow, low blue', () => {
    expect(severityStyle('high')).toBe('red');
    expect(severityStyle('MEDIUM')).toBe('yellow');
    expect(severityStyle('low')).toBe('blue');
  });
});
