import type { Command } from 'commander';
import { describeAdvisorRules, severityAtLeast } from '../../domain/advisor/index.js';
import { SEVERITIES, type Severity } from '../../contract/enums.js';
import type { Finding, FindingList } from '../../contract/index.js';
import { enumOption } from '../flag-values.js';
import { CliError } from '../cli-error.js';
import { colourWanted, paint, severityStyle } from '../colour.js';
import { notice, printList, withOutput, type OutputOptions } from '../output.js';
import { withClient } from './shared.js';

function rulesHelp(): string {
  const lines = describeAdvisorRules().map((rule) => `  ${rule.name} (${rule.severity})\n      ${rule.description}`);
  return `\nRules (DESIGN §6):\n${lines.join('\n')}\n\nExit status: 0, or 1 when --fail-on is given and a finding at or above that severity exists.\n`;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

/** `Fix: <command>`, or `Fix:` and one command per line when the remediation takes several, to run in order. */
function renderFix(remediation: string): string {
  const commands = remediation.split('\n');
  return commands.length === 1 ? `    Fix: ${remediation}` : `    Fix (run in order):\n${indent(remediation, '      ')}`;
}

/** Human output: one block per severity, most severe first; each finding with its fix. */
function renderGrouped(findings: Finding[]): string {
  const blocks: string[] = [];
  for (const severity of [...SEVERITIES].reverse()) {
    const group = findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    const entries = group.map((f) => `  ${f.rule}  ${f.subject}\n${indent(f.message, '    ')}\n${renderFix(f.remediation)}`);
    blocks.push(`${paint(severity.toUpperCase(), severityStyle(severity), colourWanted())} (${group.length})\n\n${entries.join('\n\n')}\n`);
  }
  return blocks.join('\n');
}

function summary(findings: Finding[]): string {
  const counts = [...SEVERITIES].reverse().map((s) => `${findings.filter((f) => f.severity === s).length} ${s}`);
  return `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${counts.join(', ')}.`;
}

export function register(program: Command): void {
  withOutput(
    program
      .command('advisor')
      .description('Check the organization against the API-key best practices')
      .addOption(enumOption('--fail-on <severity>', 'exit 1 when a finding at or above this severity exists', SEVERITIES)),
  )
    .addHelpText('after', rulesHelp)
    .action(
      withClient(async (client, o: { failOn?: Severity } & OutputOptions) => {
        const { data: findings } = await client.get<FindingList>('/keyward/v1/advisor/findings');
        if (o.output !== 'human') await printList(findings, o.output, []);
        else if (findings.length === 0) notice('No findings: every best-practice check passed.');
        else {
          process.stdout.write(renderGrouped(findings));
          notice(summary(findings));
        }
        const threshold = o.failOn;
        if (threshold !== undefined) {
          const failing = findings.filter((f) => severityAtLeast(f.severity, threshold)).length;
          if (failing > 0) throw new CliError(`${failing} finding${failing === 1 ? '' : 's'} at or above ${threshold}`);
        }
      }),
    );
}
