/**
 * Human output of `audit-log list`: one line per event, reading left to right as a sentence —
 * when (UTC, `MM-DD HH:MM:SS`: events are read in sequence and next to other logs, where "3 min ago"
 * would blur them), who (the principal's id: `User:` is every keyward principal's type, so it is left
 * out), what (the method, `×N` for an aggregated event), about what
 * (the target: the object a management event changed, else the key that authenticated, else the
 * resource), the result (with its reason) and from where (the client address). The lines fit the
 * terminal (`terminalWidth`): no column is dropped; cells are shortened with `…` in the order of
 * SHRINK_STEPS, so that the time is never cut and the target (an id) last.
 */
import { eventTarget } from '../../contract/audit-target.js';
import type { AuditEvent, AuditEventData } from '../../contract/index.js';
import { paint, statusStyle } from '../colour.js';
import { displayWidth, padVisible, shorten } from '../display-width.js';
import { escapeForTerminal } from '../terminal-text.js';

/** The event's free-form `data`, read as the server writes it. */
const dataOf = (event: AuditEvent) => event.data as AuditEventData;

const HEADERS = ['TIME (UTC)', 'WHO', 'WHAT', 'TARGET', 'RESULT', 'FROM'] as const;
const [, WHO, WHAT, TARGET, RESULT, FROM] = [0, 1, 2, 3, 4, 5] as const;
const GAP = '  ';
const NONE = '-';

/**
 * How a line too wide is shortened: each step cuts one column down to at most its width here, as
 * far as the line needs, and the steps run in order until it fits. First the result's reason (the
 * status word, up to `UNAUTHENTICATED`, stays), a target longer than an API key id (the organization's
 * UUID), the method's tail, a long (IPv6) address and a long principal; then, if the line is still
 * too wide, each of them further; the target (an id) last.
 * The time (column 0) is never cut: a cut time is no time.
 */
const SHRINK_STEPS: ReadonlyArray<readonly [column: number, width: number]> = [
  [RESULT, 15], [TARGET, 16], [WHAT, 14], [FROM, 15], [WHO, 9],
  [WHAT, 10], [RESULT, 10], [FROM, 8], [WHO, 6], [TARGET, 10],
  [WHAT, 2], [RESULT, 2], [FROM, 2], [WHO, 2], [TARGET, 2],
];

/** The column widths after the shrink steps that make the line fit `max` (when it can). */
export function fitEventColumns(widths: readonly number[], max: number): number[] {
  const fitted = [...widths];
  const lineWidth = () => fitted.reduce((sum, w) => sum + w, 0) + GAP.length * (fitted.length - 1);
  for (const [column, floor] of SHRINK_STEPS) {
    const excess = lineWidth() - max;
    if (excess <= 0) break;
    const width = fitted[column] as number;
    if (width > floor) fitted[column] = Math.max(floor, width - excess);
  }
  return fitted;
}

/** `12-03 05:58:41`: month, day and time of day in UTC; a text that is no time stays as it is. */
export function shortUtcTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toISOString().slice(5, 19).replace('T', ' ');
}

/** The object a management event is about (the `--target` rule, eventTarget), else the key used, else the resource's id. */
export function shownTarget(event: AuditEvent): string {
  const data = dataOf(event);
  const target = eventTarget(event.type, data.request);
  if (target !== null) return target;
  const key = data.authenticationInfo?.metadata?.identifier;
  if (key) return key;
  const resource = data.resourceName ?? '';
  return /=([^/=]+)$/.exec(resource)?.[1] ?? '';
}

/** `sa-abc123` for `User:sa-abc123`; other principals (`System`) as they are. */
function eventPrincipal(event: AuditEvent): string {
  return (dataOf(event).authenticationInfo?.principal ?? '').replace(/^User:/, '');
}

/** `keyward.Verify ×12` for an event that accounts for 12 requests. */
function eventMethod(event: AuditEvent): string {
  const { methodName: method = '', count } = dataOf(event);
  return typeof count === 'number' && count > 1 ? `${method} ×${count}` : method;
}

function eventResult(event: AuditEvent): string {
  const result = dataOf(event).result;
  if (!result?.status) return '';
  return result.reason ? `${result.status} (${result.reason})` : result.status;
}

/** The six cells of one event, safe to print (control characters escaped), `-` for an empty one. */
export function eventCells(event: AuditEvent): string[] {
  const cells = [
    shortUtcTime(event.time),
    eventPrincipal(event),
    eventMethod(event),
    shownTarget(event),
    eventResult(event),
    dataOf(event).requestMetadata?.clientAddress ?? '',
  ];
  return cells.map((cell) => (cell === '' ? NONE : escapeForTerminal(cell)));
}

export interface EventLineOptions {
  /** The width to fit (ignored with `wide`). */
  width: number;
  /** Every cell in full, however wide the lines get. */
  wide?: boolean;
  /** The header line (default true). */
  headers?: boolean;
  colour?: boolean;
}

/** The lines of `audit-log list`, each at most `width` cells wide unless `wide`. */
export function renderEventLines(events: readonly AuditEvent[], options: EventLineOptions): string {
  const rows = events.map(eventCells);
  const headers = options.headers !== false;
  const natural = HEADERS.map((header, index) => Math.max(headers ? displayWidth(header) : 0, ...rows.map((row) => displayWidth(row[index] as string))));
  const widths = options.wide ? natural : fitEventColumns(natural, options.width);
  const line = (cells: readonly string[], paintResult: boolean): string =>
    widths
      .map((width, index) => {
        const text = shorten(cells[index] as string, width);
        const shown = paintResult && index === RESULT ? paint(text, statusStyle(text), options.colour === true) : text;
        return index === widths.length - 1 ? shown : padVisible(shown, width);
      })
      .join(GAP)
      .trimEnd();
  const lines = rows.map((row) => line(row, true));
  return (headers ? [line(HEADERS, false), ...lines] : lines).join('\n') + '\n';
}
