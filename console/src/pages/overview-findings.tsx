import { SEVERITIES, type Severity } from '../../../src/contract/index';
import { CopyButton } from '../components/copy-button';
import { EmptyState } from '../components/notice';
import { StatusBadge } from '../components/status-badge';

/** One finding of `GET /keyward/v1/advisor/findings`. */
export interface Finding {
  id: string;
  rule: string;
  severity: string;
  subject: string;
  message: string;
  /** One command per line, run in order. */
  remediation: string;
}

export interface FindingList {
  metadata: { total_size: number; evaluated_at: string };
  data: Finding[];
}

const TITLES: Record<Severity, string> = { high: 'High', medium: 'Medium', low: 'Low' };

/** Findings per severity, highest first (a severity the server adds later lands under the last). */
export function bySeverity(findings: readonly Finding[]): Array<{ severity: Severity; findings: Finding[] }> {
  const order = [...SEVERITIES].reverse();
  return order.map((severity) => ({ severity, findings: findings.filter((f) => f.severity === severity) }));
}

/** The counts at the top of the overview. */
export function SeverityCounts({ findings }: { findings: readonly Finding[] }) {
  return (
    <ul class="stats severity-counts" aria-label="Advisor findings by severity">
      {bySeverity(findings).map(({ severity, findings: list }) => (
        <li class={`stat stat-${severity}`} key={severity}>
          <a href={`#findings-${severity}`} aria-label={`${list.length} ${severity} severity findings`}>
            <span class="stat-value">{list.length}</span>
            <span class="stat-label"> {TITLES[severity].toLowerCase()}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

function Remediation({ finding }: { finding: Finding }) {
  const commands = finding.remediation.split('\n').filter((line) => line.trim() !== '');
  if (commands.length === 0) return null;
  return (
    <div class="remediation">
      <p class="remediation-title">{commands.length === 1 ? 'Fix:' : 'Fix (run in order):'}</p>
      <ol class="commands">
        {commands.map((command, index) => (
          <li key={index} class="command">
            <pre>
              <code>{command}</code>
            </pre>
            <CopyButton text={command} label={commands.length === 1 ? `Copy the fix of ${finding.id}` : `Copy command ${index + 1} of the fix of ${finding.id}`} />
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The advisor's findings grouped by severity, each with its remediation as copyable commands. */
export function FindingGroups({ findings }: { findings: readonly Finding[] }) {
  if (findings.length === 0) return <EmptyState>The advisor has nothing to report.</EmptyState>;
  return (
    <div class="finding-groups">
      {bySeverity(findings)
        .filter((group) => group.findings.length > 0)
        .map(({ severity, findings: list }) => (
          <section key={severity} aria-labelledby={`findings-${severity}`} class="finding-group">
            <h3 id={`findings-${severity}`} tabIndex={-1}>
              {TITLES[severity]} severity ({list.length})
            </h3>
            <ul class="findings">
              {list.map((finding) => (
                <li key={finding.id} class={`finding finding-${severity}`}>
                  <article aria-label={`Finding ${finding.id}`}>
                    <p class="finding-head">
                      <StatusBadge status={finding.severity} /> <span class="mono">{finding.rule}</span> · <span class="mono">{finding.subject}</span>
                    </p>
                    <p class="finding-message">{finding.message}</p>
                    <Remediation finding={finding} />
                  </article>
                </li>
              ))}
            </ul>
          </section>
        ))}
    </div>
  );
}
