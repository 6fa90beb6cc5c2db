/** Finding severities, lowest first. */
export const SEVERITIES = ['low', 'medium', 'high'] as const;

export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

function rank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `severity` is `threshold` or more severe: the test behind `advisor --fail-on`. */
export function severityAtLeast(severity: Severity, threshold: Severity): boolean {
  return rank(severity) >= rank(threshold);
}

/** Orders severities most severe first. */
export function compareSeverityDescending(a: Severity, b: Severity): number {
  return rank(b) - rank(a);
}
