/** What `GET /keyward/v1/audit-events/verify` found, in one sentence for a notice. */
import type { AuditVerification } from '../../../src/contract/index';

export interface VerificationSummary {
  tone: 'success' | 'warning';
  text: string;
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function brokenAt(first: NonNullable<AuditVerification['first_broken']>): string {
  if (first.chain === '') return `the chain registry: ${first.reason}`;
  const where = [first.seq === undefined ? '' : `at seq ${first.seq}`, first.id === undefined ? '' : `(event ${first.id}${first.time === undefined ? '' : `, ${first.time}`})`].filter((part) => part !== '').join(' ');
  return `chain ${first.chain}${where === '' ? '' : ` ${where}`}: ${first.reason}`;
}

export function verificationSummary(result: AuditVerification): VerificationSummary {
  const checked = `${plural(result.chains, 'chain', 'chains')}, ${plural(result.events, 'event', 'events')}`;
  const anchor = result.anchor === undefined ? '' : ` Checked against checkpoint ${result.anchor.id} of ${result.anchor.time} (${plural(result.anchor.chains, 'chain', 'chains')}).`;
  if (result.ok) return { tone: 'success', text: `The audit log is intact: ${checked} verified.${anchor}` };
  const broken = `${plural(result.broken_chains, 'chain is', 'chains are')} broken (of ${checked} checked)`;
  const first = result.first_broken === undefined ? '' : ` First break: ${brokenAt(result.first_broken)}.`;
  return { tone: 'warning', text: `The audit log was altered: ${broken}.${first}${anchor}` };
}
