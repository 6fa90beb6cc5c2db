/** The SGR codes (on, off) of the few styles the CLI uses. */
const SGR = {
  green: [32, 39],
  red: [31, 39],
  yellow: [33, 39],
  blue: [34, 39],
  dim: [2, 22],
  bold: [1, 22],
} as const;

export type Style = keyof typeof SGR;

/**
 * Colour only on a terminal, never with `NO_COLOR` set to anything (the NO_COLOR convention; the
 * global `--no-color` flag sets it) nor on a `TERM=dumb` terminal.
 */
export function colourWanted(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** `text` in `style` when colour is `on`; the text alone otherwise. */
export function paint(text: string, style: Style | undefined, on: boolean): string {
  if (!on || style === undefined || text === '') return text;
  const [open, close] = SGR[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** Statuses and outcomes: working green, broken red, on the way out (or not yet there) yellow. */
const STATUS_STYLES: Record<string, Style> = {
  ACTIVE: 'green',
  UP: 'green',
  SUCCESS: 'green',
  ALLOW: 'green',
  DISABLED: 'red',
  DENY: 'red',
  FAILURE: 'red',
  UNAUTHENTICATED: 'red',
  UNAUTHORIZED: 'red',
  EXPIRED: 'yellow',
  PROVISIONING: 'yellow',
};

/** The style of a status cell (`ACTIVE`, `DISABLED`, `UNAUTHENTICATED (bad_secret)`), by its first word. */
export function statusStyle(value: string): Style | undefined {
  const word = /^[A-Za-z_]+/.exec(value)?.[0]?.toUpperCase();
  return word === undefined ? undefined : STATUS_STYLES[word];
}

const SEVERITY_STYLES: Record<string, Style> = { high: 'red', medium: 'yellow', low: 'blue' };

/** The style of an advisor severity: high red, medium yellow, low blue. */
export function severityStyle(value: string): Style | undefined {
  return SEVERITY_STYLES[value.toLowerCase()];
}
