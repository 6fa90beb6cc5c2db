/**
 * The time rule shared by the server and the CLI: an ISO-8601 date (`2027-01-31`, midnight UTC) or date-time
 * with an optional zone (`2027-01-31T12:00:00Z`, `2027-01-31T12:00:00+02:00`; without a zone, UTC).
 */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

export const TIME_EXAMPLE = '2027-01-31T00:00:00Z';

/** The time `text` names, or undefined when it is not an ISO-8601 time (a 30 February included). */
export function parseTime(text: string): Date | undefined {
  const match = ISO_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match;
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (calendar.getUTCMonth() !== Number(month) - 1 || calendar.getUTCDate() !== Number(day)) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${fraction.slice(0, 4)}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
