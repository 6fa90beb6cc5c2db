import { InvalidArgumentError, type Command } from 'commander';

export const FORMATS = ['human', 'json', 'yaml'] as const;
export type Format = (typeof FORMATS)[number];

export type Column<T> = [header: string, value: (row: T) => unknown];

export function parseFormat(value: string): Format {
  if (!(FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`invalid output format "${value}": valid values are ${FORMATS.join(', ')}`);
  }
  return value as Format;
}

/** Adds `-o, --output human|json|yaml` to a command that shows data. */
export function withOutput(command: Command): Command {
  return command.option('-o, --output <format>', `output format: ${FORMATS.join(', ')}`, parseFormat, 'human');
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

async function serialise(data: unknown, format: 'json' | 'yaml'): Promise<string> {
  if (format === 'json') return JSON.stringify(data, null, 2) + '\n';
  const { stringify } = await import('yaml');
  return stringify(data);
}

async function table(head: string[], rows: string[][]): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const t = new Table({ head, style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  for (const row of rows) t.push(row);
  return t.toString() + '\n';
}

/** The one output formatter: lists as tables for humans, JSON or YAML for scripts; data on stdout. */
export async function printList<T>(rows: T[], format: Format, columns: Column<T>[], machine: (row: T) => unknown = (r) => r): Promise<void> {
  if (format !== 'human') {
    process.stdout.write(await serialise(rows.map(machine), format));
    return;
  }
  if (rows.length === 0) {
    process.stderr.write('None found.\n');
    return;
  }
  process.stdout.write(await table(columns.map(([h]) => h), rows.map((row) => columns.map(([, get]) => cell(get(row))))));
}

/** A single object: a two-column table of fields for humans, JSON or YAML for scripts. */
export async function printObject<T>(object: T, format: Format, fields: Column<T>[], machine: (o: T) => unknown = (o) => o): Promise<void> {
  if (format !== 'human') {
    process.stdout.write(await serialise(machine(object), format));
    return;
  }
  const { default: Table } = await import('cli-table3');
  const t = new Table({ style: { head: [], border: [] } });
  for (const [label, get] of fields) t.push({ [label]: cell(get(object)) });
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

export interface OutputOptions {
  output: Format;
}
