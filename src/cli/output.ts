import type { Command } from 'commander';
import { OUTPUT_FORMATS, type OutputFormat as Format } from '../contract/enums.js';
import { enumOption } from './flag-values.js';
import { colourWanted, paint, severityStyle, statusStyle, type Style } from './colour.js';
import { displayWidth, padVisible, shorten } from './display-width.js';
import { describedTime, relativeTime, withMachineTimes } from '../contract/relative-time.js';
import { fitTable, type FitColumn, type Fitted, type FrameWidth } from './table-fit.js';
import { escapeForTerminal } from './terminal-text.js';

export type { OutputFormat as Format } from '../contract/enums.js';

/**
 * What a column holds, which decides how people see it: `text` (the default) is shortened with `…`
 * when the table is too wide; the other kinds never are. A `time` (an ISO-8601 text or null) reads
 * "3 min ago" in lists and as the absolute time, to the second, in `describe`; an `expiry` is a time
 * rounded up to the second (as in JSON: at the second shown, it has expired); `status` and
 * `severity` are coloured on a terminal; a `number` is right-aligned.
 */
export type ColumnKind = 'text' | 'id' | 'time' | 'expiry' | 'status' | 'severity' | 'number';

export interface ColumnOptions {
  /** 0: never dropped (the row's key); otherwise, when a table is too wide, the highest number drops first. Default: the column's position (0 for the first). */
  priority?: number;
  kind?: ColumnKind;
  /** Shown for a null or empty value (e.g. `never` for a key not used yet). */
  ifNone?: string;
  /** Where a long text is cut: at the end (default) or at the start, for texts whose tail tells them apart (paths, CRNs). */
  cut?: 'end' | 'start';
  /** Shown only with `--wide` (a column that restates another one in full). */
  wideOnly?: boolean;
}

/** A column of a list, or a field of `describe`: header, value, and optionally how it is shown. */
export type Column<T> = [header: string, value: (row: T) => unknown, options?: ColumnOptions];

export interface OutputOptions {
  output: Format;
}

/** What `withListOutput` adds: `--wide` and `--no-headers` (commander's `headers: false`). */
export interface ListOutputOptions extends OutputOptions {
  wide?: boolean;
  headers?: boolean;
}

/** Adds `-o, --output human|json|yaml` to a command that shows data (any other value: exit 2 naming them). */
export function withOutput(command: Command): Command {
  return command.addOption(enumOption('-o, --output <format>', 'output format', OUTPUT_FORMATS).default('human'));
}

/** For commands that print a list: `-o`, and for the human table `--wide` and `--no-headers`. */
export function withListOutput(command: Command): Command {
  return withOutput(command)
    .option('--wide', 'show every column, nothing shortened (human output)')
    .option('--no-headers', 'leave out the header row; columns separated by spaces, no borders (for grep and awk)');
}

/** The width human tables fit: `$COLUMNS` when it is a number, else the terminal's width, else 80. */
export function terminalWidth(env: NodeJS.ProcessEnv = process.env, stdout: { isTTY?: boolean; columns?: number } = process.stdout): number {
  const fromEnv = /^\d+$/.test(env.COLUMNS ?? '') ? Number(env.COLUMNS) : 0;
  if (fromEnv > 0) return fromEnv;
  if (stdout.isTTY && stdout.columns && stdout.columns > 0) return stdout.columns;
  return 80;
}

// Control characters (so ANSI escapes) and bidirectional overrides, which would break a table's layout
// or let data repaint the terminal. A backslash is left alone: texts escaped by escapeForTerminal stay as they are.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => escapeForTerminal(c));
}

function plainText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A value as people read it, before any colour: times relative in lists, absolute in `describe`. */
function humanText(value: unknown, options: ColumnOptions, place: 'list' | 'describe', now: number): string {
  const text = plainText(value);
  if (text === '') return options.ifNone ?? '';
  if (options.kind === 'time' || options.kind === 'expiry') {
    // a value that is not a time comes back as it was: printable like any other text
    return printable(place === 'list' ? relativeTime(text, now) : describedTime(text, now, options.kind === 'expiry' ? 'up' : 'down'));
  }
  return printable(text);
}

function styleOf(text: string, kind: ColumnKind | undefined): Style | undefined {
  if (kind === 'status') return statusStyle(text);
  if (kind === 'severity') return severityStyle(text);
  return undefined;
}

async function serialise(data: unknown, format: 'json' | 'yaml', times: 'normalised' | 'exact' = 'normalised'): Promise<string> {
  const timed = times === 'exact' ? data : withMachineTimes(data);
  if (format === 'json') return JSON.stringify(timed, null, 2) + '\n';
  const { stringify } = await import('yaml');
  return stringify(timed);
}

/** The boxed table: each cell padded by one space each side, a border between and around the columns. */
const BOXED_FRAME: FrameWidth = (n) => 3 * n + 1;
/** `--no-headers`: no borders, three spaces between columns (as kubectl prints). */
const PLAIN_GAP = '   ';
const PLAIN_FRAME: FrameWidth = (n) => PLAIN_GAP.length * Math.max(0, n - 1);

interface Prepared {
  header: string;
  cells: string[];
  options: ColumnOptions;
}

async function boxed(columns: Prepared[], fitted: Fitted, colour: boolean): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const shown = fitted.map(({ index, width }) => ({ column: columns[index] as Prepared, width }));
  const t = new Table({
    head: shown.map(({ column, width }) => shorten(column.header, width)),
    colWidths: shown.map(({ width }) => width + 2),
    colAligns: shown.map(({ column }) => (column.options.kind === 'number' ? 'right' : 'left')),
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  const rows = shown[0]?.column.cells.length ?? 0;
  for (let r = 0; r < rows; r++) {
    t.push(shown.map(({ column, width }) => {
      const text = shorten(column.cells[r] as string, width, column.options.cut);
      return paint(text, styleOf(text, column.options.kind), colour);
    }));
  }
  return t.toString() + '\n';
}

function plain(columns: Prepared[], fitted: Fitted, colour: boolean): string {
  const rows = columns[0]?.cells.length ?? 0;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells = fitted.map(({ index, width }, at) => {
      const column = columns[index] as Prepared;
      const text = shorten(column.cells[r] as string, width, column.options.cut);
      const painted = paint(text, styleOf(text, column.options.kind), colour);
      const last = at === fitted.length - 1;
      if (column.options.kind === 'number') return padVisible(painted, width, 'right');
      return last ? painted : padVisible(painted, width);
    });
    lines.push(cells.join(PLAIN_GAP).trimEnd());
  }
  return lines.join('\n') + '\n';
}

/**
 * Human table that fits the terminal (`terminalWidth`): the least important columns drop and long
 * texts are shortened with `…` (see fitTable); `wide` shows every column in full; `headers: false`
 * prints bare rows, columns separated by spaces, for grep and awk.
 */
export async function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], options: { wide?: boolean; headers?: boolean; width?: number; colour?: boolean; now?: number } = {}): Promise<string> {
  const now = options.now ?? Date.now();
  const headers = options.headers !== false;
  const shown = options.wide ? columns : columns.filter(([, , columnOptions]) => !columnOptions?.wideOnly);
  const prepared: Prepared[] = shown.map(([header, get, columnOptions = {}]) => ({
    header,
    cells: rows.map((row) => humanText(get(row), columnOptions, 'list', now)),
    options: columnOptions,
  }));
  const fit: FitColumn[] = prepared.map((c, position) => ({
    width: Math.max(headers ? displayWidth(c.header) : 0, ...c.cells.map(displayWidth)),
    priority: c.options.priority ?? position,
    shrinkable: (c.options.kind ?? 'text') === 'text',
  }));
  const frame = headers ? BOXED_FRAME : PLAIN_FRAME;
  const fitted = options.wide ? fit.map((c, index) => ({ index, width: c.width })) : fitTable(fit, options.width ?? terminalWidth(), frame);
  const colour = options.colour ?? colourWanted();
  return headers ? boxed(prepared, fitted, colour) : plain(prepared, fitted, colour);
}

/** The one output formatter: lists as tables for humans, JSON or YAML for scripts; data on stdout. */
export async function printList<T>(rows: T[], options: Format | ListOutputOptions, columns: Column<T>[], machine: (row: T) => unknown = (r) => r): Promise<void> {
  const { output, wide, headers } = typeof options === 'string' ? { output: options, wide: false, headers: true } : options;
  if (output !== 'human') {
    process.stdout.write(await serialise(rows.map(machine), output));
    return;
  }
  if (rows.length === 0) {
    process.stderr.write('None found.\n');
    return;
  }
  process.stdout.write(await renderTable(rows, columns, { wide, headers }));
}

/**
 * Signed records (the audit log's CloudEvents) for scripts, exactly as stored: their times are part of
 * what the hash chain covers, so they are not rewritten to the one machine time format.
 */
export async function printRecords(records: unknown[], format: 'json' | 'yaml'): Promise<void> {
  process.stdout.write(await serialise(records, format, 'exact'));
}

/** A single object: a two-column table of fields for humans (times absolute, with the relative one), JSON or YAML for scripts. */
export async function printObject<T>(object: T, format: Format, fields: Column<T>[], machine: (o: T) => unknown = (o) => o): Promise<void> {
  if (format !== 'human') {
    process.stdout.write(await serialise(machine(object), format));
    return;
  }
  const { default: Table } = await import('cli-table3');
  const colour = colourWanted();
  const now = Date.now();
  const t = new Table({ style: { head: [], border: [] } });
  for (const [label, get, options = {}] of fields) {
    const text = humanText(get(object), options, 'describe', now);
    t.push({ [label]: paint(text, styleOf(text, options.kind), colour) });
  }
  process.stdout.write(t.toString() + '\n');
}

/** A notice for people: stderr, so stdout stays data. */
export function notice(message: string): void {
  process.stderr.write(message + '\n');
}

/** A confirmation line printed on stdout in human mode (`Deleted API key "K".`). */
export function done(message: string, format: Format = 'human'): void {
  if (format === 'human') process.stdout.write(message + '\n');
  else process.stderr.write(message + '\n');
}
