import type { Severity } from './severity.js';
import type { Finding } from './types.js';

/** Builds a finding whose id is stable for the same rule and subject: `${rule}:${subject}`. */
export function makeFinding(
  rule: { name: string; severity: Severity },
  subject: string,
  message: string,
  remediation: string,
): Finding {
  return { id: `${rule.name}:${subject}`, rule: rule.name, severity: rule.severity, subject, message, remediation };
}
