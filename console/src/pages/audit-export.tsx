import { useState } from 'preact/hooks';
import { api } from '../api';
import { apiQueryOfAuditFilters, auditExportHref, EXPORT_FILTER_NAMES, type AuditFilters } from '../audit/filters';
import { ErrorNotice } from '../components/notice';

const FILE_NAME = 'keyward-audit-events.ndjson';

/**
 * "Export JSON lines": the matching events from GET /keyward/v1/audit-events/export, downloaded by the
 * browser (same origin, the session cookie). The filters are tried first with a one-event list
 * request, so a refused filter or an ended session shows its error here instead of being saved as
 * the file.
 */
export function useAuditExport(filters: AuditFilters) {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const href = auditExportHref(filters);

  async function start(event: MouseEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    try {
      await api.get('/keyward/v1/audit-events', { ...apiQueryOfAuditFilters(filters, EXPORT_FILTER_NAMES), limit: 1 });
      setError(undefined);
      const link = document.createElement('a');
      link.href = href;
      link.download = FILE_NAME;
      link.click();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return {
    button: (
      <a class="button" href={href} download={FILE_NAME} aria-disabled={busy} onClick={(event) => void start(event)}>
        Export JSON lines
      </a>
    ),
    notice: <ErrorNotice error={error} title="The audit events cannot be exported" />,
  };
}
