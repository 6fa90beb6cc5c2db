import type { Severity } from './severity.js';
import type { Finding } from './types.js';

/**
 * Builds a finding whose id is stable for the same rule and subject: `${rule}:${subject}`. The
 * remediation is one command or several, run in order: they are stored one per line.
 */
export function makeFinding(
  rule: { name: string; severity: Severity },
  subject: string,
  message: string,
  remediation: string | readonly string[],
): Finding {
  const commands = typeof remediation === 'string' ? remediation : remediation.join('\n');
  return { id: `${rule.name}:${subject}`, rule: rule.name, severity: rule.severity, subject, message, remediation: commands };
}
