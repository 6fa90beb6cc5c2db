import { ADVISOR_RULES } from './rules/index.js';
import { compareSeverityDescending } from './severity.js';
import type { Severity } from './severity.js';
import type { AdvisorRule, AdvisorSnapshot, Finding } from './types.js';

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Most severe first, then by rule name, then by subject: the same snapshot always lists alike. */
export function compareFindings(a: Finding, b: Finding): number {
  return compareSeverityDescending(a.severity, b.severity) || compareText(a.rule, b.rule) || compareText(a.subject, b.subject);
}

/** Runs every rule over the snapshot. Pure: no I/O, and `snapshot.now` is the only clock. */
export function runAdvisor(snapshot: AdvisorSnapshot, rules: readonly AdvisorRule[] = ADVISOR_RULES): Finding[] {
  return rules.flatMap((rule) => rule.evaluate(snapshot)).sort(compareFindings);
}

export interface RuleDescription {
  name: string;
  severity: Severity;
  description: string;
}

/** The rules' names, severities and descriptions, for the docs and `advisor --help`. */
export function describeAdvisorRules(rules: readonly AdvisorRule[] = ADVISOR_RULES): RuleDescription[] {
  return rules.map(({ name, severity, description }) => ({ name, severity, description }));
}
