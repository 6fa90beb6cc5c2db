import { useCallback, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { auditFiltersFromQuery, isAuditFiltered, queryOfAuditFilters, type AuditFilters } from '../audit/filters';
import { ErrorNotice, Loading } from '../components/notice';
import { Page } from '../components/page';
import { paths } from '../routes';
import type { AuditEvent } from '../../../src/contract/index';
import { TAIL_INTERVAL_MS, TAIL_MAX_ROWS, useAuditFeed } from './audit-feed';
import { AuditFilterForm } from './audit-filters';
import { AuditEventDialog, AuditTable } from './audit-table';
import { useChainVerification } from './audit-verify';
import { useAuditExport } from './audit-export';

/**
 * /console/audit?api_key=…&principal=…&type=…&result=…&since=…&until=…&target=… — the audit log
 * (GET /keyward/v1/audit-events) with its filters in the URL, "Load more", a live tail, the export
 * of the matching events and the verification of the hash chains.
 */
export function AuditPage() {
  const location = useLocation();
  const filters = auditFiltersFromQuery(location.query);
  const [tail, setTail] = useState(false);
  const tailBlocked = filters.until !== '';
  const audit = useAuditFeed(filters, tail && !tailBlocked);
  const [open, setOpen] = useState<AuditEvent | null>(null);
  const onOpen = useCallback((event: AuditEvent) => setOpen(event), []);
  const verification = useChainVerification();
  const exporting = useAuditExport(filters);

  function apply(next: AuditFilters) {
    const query = queryOfAuditFilters(next);
    if (query === queryOfAuditFilters(filters)) audit.reload();
    else location.route(`${paths.audit}${query}`);
  }

  const actions = (
    <>
      {verification.button}
      {exporting.button}
    </>
  );
  const feed = audit.feed;

  return (
    <Page title="Audit log" actions={actions} description="Every authentication, authorization decision and management change, newest first.">
      {verification.notice}
      {exporting.notice}
      <AuditFilterForm filters={filters} onApply={apply} />
      <div class="audit-toolbar">
        <div class="field checkbox-field">
          <label for="audit-tail">
            <input id="audit-tail" type="checkbox" checked={tail && !tailBlocked} disabled={tailBlocked} aria-describedby="audit-tail-hint" onChange={(event) => setTail(event.currentTarget.checked)} />
            Live tail
          </label>
          <p class="hint" id="audit-tail-hint" role="status" aria-live="polite">
            {tailBlocked
              ? 'No live tail with an until filter.'
              : tail
                ? `New events appear at the top (checked every ${TAIL_INTERVAL_MS / 1000} s, the newest ${TAIL_MAX_ROWS} kept).`
                : 'Off.'}
          </p>
        </div>
        {filters.target !== '' && <p class="hint">The export leaves out the target filter: it holds every event the other filters match.</p>}
      </div>
      <ErrorNotice error={audit.error} title="The audit events cannot be read" />
      <ErrorNotice error={audit.tailError} title="The live tail cannot read new events (it keeps trying)" />
      {feed === undefined ? (
        audit.loading && <Loading label="Loading audit events…" />
      ) : (
        <>
          <p class="muted">
            {feed.rows.length.toLocaleString('en-US')} event{feed.rows.length === 1 ? '' : 's'} shown{feed.next === undefined && !feed.trimmed ? ' (all that match).' : '.'}
          </p>
          <AuditTable events={feed.rows} onOpen={onOpen} filtered={isAuditFiltered(filters)} />
          {feed.next !== undefined && tail && !tailBlocked && <p class="hint">Turn the live tail off to load older events.</p>}
          {feed.next !== undefined && !(tail && !tailBlocked) && (
            <p class="table-more">
              <button type="button" class="button" onClick={audit.loadMore} disabled={audit.loadingMore}>
                {audit.loadingMore ? 'Loading…' : 'Load more'}
              </button>
            </p>
          )}
          {feed.trimmed && <p class="hint">The live tail keeps the newest {TAIL_MAX_ROWS} events; turn it off and search again to page through older ones.</p>}
        </>
      )}
      <AuditEventDialog event={open} onClose={() => setOpen(null)} />
    </Page>
  );
}
