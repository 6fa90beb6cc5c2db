import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { displayWidth } from './display-width.js';
import { renderTable, terminalWidth, type Column } from './output.js';

interface Row {
  key: string;
  description: string;
  owner: string;
  used: string | null;
  status: string;
  count: number;
}

const now = Date.parse('2026-12-03T06:00:00Z');
const rows: Row[] = [
  { key: 'P3VDZR6S8N9W06MO', description: 'Nightly reconciliation job reading orders and payments (production)', owner: 'sa-l996t2', used: '2026-12-03T05:57:00.000Z', status: 'ACTIVE', count: 12 },
  { key: 'YTRPDUR849D16TT4', description: 'my laptop', owner: 'u-sbz3bp', used: null, status: 'DISABLED', count: 0 },
];
const columns: Column<Row>[] = [
  ['Key', (r) => r.key, { priority: 0, kind: 'id' }],
  ['Description', (r) => r.description, { priority: 2 }],
  ['Owner', (r) => r.owner, { priority: 4, kind: 'id' }],
  ['Last Used', (r) => r.used, { priority: 3, kind: 'time', ifNone: 'never' }],
  ['Count', (r) => r.count, { priority: 5, kind: 'number' }],
  ['Status', (r) => r.status, { priority: 1, kind: 'status' }],
];
const lines = (text: string) => text.split('\n').filter(Boolean);

describe('renderTable', () => {
  it('fits every line, dropping the least important columns and shortening text with …', async () => {
    const text = await renderTable(rows, columns, { width: 66, colour: false, now });
    for (const line of lines(text)) expect(displayWidth(line)).toBeLessThanOrEqual(66);
    expect(lines(text)[1]!.split('│').map((c) => c.trim()).filter(Boolean)).toEqual(['Key', 'Description', 'Last Used', 'Status']);
    expect(text).toContain('P3VDZR6S8N9W06MO');
    expect(text).toContain('…');
    expect(text).not.toContain('Count');
    expect(text).toContain('3 min ago');
    expect(text).toContain('never');
  });

  it('shows every column in full with wide', async () => {
    const text = await renderTable(rows, columns, { width: 60, wide: true, colour: false, now });
    expect(lines(text)[1]!.split('│').map((c) => c.trim()).filter(Boolean)).toEqual(['Key', 'Description', 'Owner', 'Last Used', 'Count', 'Status']);
    expect(text).toContain(rows[0]!.description);
  });

  it('shows a wide-only column with wide and never without it, however wide the terminal', async () => {
    const withFull: Column<Row>[] = [...columns, ['Full Description', (r) => r.description, { priority: 9, wideOnly: true }]];
    const narrow = await renderTable(rows, withFull, { width: 400, colour: false, now });
    expect(narrow).not.toContain('Full Description');
    const wide = await renderTable(rows, withFull, { width: 60, wide: true, colour: false, now });
    expect(wide).toContain('Full Description');
  });

  it('prints bare rows without headers: columns three spaces apart, numbers right-aligned, no trailing space', async () => {
    const text = await renderTable(rows, columns, { headers: false, wide: true, colour: false, now });
    expect(lines(text)).toHaveLength(2);
    expect(lines(text)[1]).toMatch(/^YTRPDUR849D16TT4 {3}my laptop {3,}u-sbz3bp {4}never {8}0 {3}DISABLED$/);
  });

  it('colours statuses without breaking the fit, and prints no escape when colour is off', async () => {
    const coloured = await renderTable(rows, columns, { width: 60, colour: true, now });
    expect(coloured).toContain('\u001b[32mACTIVE\u001b[39m');
    expect(coloured).toContain('\u001b[31mDISABLED\u001b[39m');
    for (const line of lines(coloured)) expect(displayWidth(line)).toBeLessThanOrEqual(60);
    expect(stripVTControlCharacters(coloured)).toBe(await renderTable(rows, columns, { width: 60, colour: false, now }));
    expect(await renderTable(rows, columns, { width: 60, colour: false, now })).not.toContain('\u001b');
  });

  it('escapes control characters in data, so a cell can neither break the table nor repaint the terminal', async () => {
    const text = await renderTable([{ ...rows[0]!, description: 'two\nlines \u001b[2J' }], columns, { wide: true, colour: false, now });
    expect(text).toContain('two\\nlines \\x1b[2J');
    expect(text).not.toContain('\u001b');
  });

  it('keeps old [header, value] columns working: the first never drops, later ones drop first', async () => {
    const old: Column<Row>[] = [
      ['Key', (r) => r.key],
      ['Description', (r) => r.description],
      ['Owner', (r) => r.owner],
    ];
    const text = await renderTable(rows, old, { width: 40, colour: false, now });
    expect(lines(text)[1]).toMatch(/^│ Key +│ Description +│$/);
    for (const line of lines(text)) expect(displayWidth(line)).toBeLessThanOrEqual(40);
  });
});

describe('terminalWidth', () => {
  it('takes $COLUMNS when it is a number, else the terminal width, else 80', () => {
    expect(terminalWidth({ COLUMNS: '120' }, { isTTY: true, columns: 100 })).toBe(120);
    expect(terminalWidth({ COLUMNS: 'wide' }, { isTTY: true, columns: 100 })).toBe(100);
    expect(terminalWidth({}, { isTTY: false, columns: 100 })).toBe(80);
    expect(terminalWidth({ COLUMNS: '0' }, {})).toBe(80);
  });
});
