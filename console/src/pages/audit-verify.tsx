import { useState } from 'preact/hooks';
import { api } from '../api';
import { verificationSummary, type VerificationSummary } from '../audit/verification';
import { ErrorNotice, Notice } from '../components/notice';
import { useSubmit } from '../hooks/use-submit';
import type { AuditVerification } from '../../../src/contract/index';

/** "Verify the hash chains": GET /keyward/v1/audit-events/verify, and what it found in a notice. */
export function useChainVerification() {
  const submit = useSubmit();
  const [summary, setSummary] = useState<VerificationSummary | null>(null);
  const verify = () =>
    submit.run(async () => {
      setSummary(null);
      setSummary(verificationSummary(await api.get<AuditVerification>('/keyward/v1/audit-events/verify')));
    });
  const button = (
    <button type="button" class="button" onClick={() => void verify()} disabled={submit.busy}>
      {submit.busy ? 'Verifying…' : 'Verify the hash chains'}
    </button>
  );
  const notice = (
    <>
      <ErrorNotice error={submit.error} title="The audit log cannot be verified" />
      {summary !== null && <Notice tone={summary.tone}>{summary.text}</Notice>}
    </>
  );
  return { button, notice };
}
