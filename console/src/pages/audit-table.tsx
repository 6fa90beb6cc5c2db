import { useMemo } from 'preact/hooks';
import { auditRow, type AuditRow } from '../audit/event-row';
import { CopyButton } from '../components/copy-button';
import { DataTable, type Column } from '../components/data-table';
import { Dialog } from '../components/dialog';
import { StatusBadge } from '../components/status-badge';
import { ExactTime, RelativeTime } from '../components/time';
import { paths } from '../routes';
import type { AuditEvent } from '../../../src/contract/index';

/** Rows the table renders before its own "Show more" (the feed pages through the server itself). */
const RENDERED_ROWS = 1000;

interface ShownRow extends AuditRow {
  event: AuditEvent;
}

const dash = <span class="muted">—</span>;
const mono = (value: string) => (value === '' ? dash : <span class="mono">{value}</span>);

function columns(onOpen: (event: AuditEvent) => void): Array<Column<ShownRow>> {
  return [
    { id: 'time', header: 'Time', cell: (r) => <RelativeTime time={r.time} /> },
    { id: 'type', header: 'Type', cell: (r) => r.type },
    { id: 'method', header: 'Method', cell: (r) => mono(r.method) },
    { id: 'principal', header: 'Principal', cell: (r) => mono(r.principal) },
    {
      id: 'key',
      header: 'API key',
      cell: (r) =>
        r.apiKey === '' ? dash : (
          <a class="mono" href={paths.apiKey(r.apiKey)}>
            {r.apiKey}
          </a>
        ),
    },
    { id: 'client', header: 'Client address', cell: (r) => mono(r.clientAddress) },
    {
      id: 'result',
      header: 'Result',
      cell: (r) => (
        <span>
          <StatusBadge status={r.status === 'SUCCESS' ? 'success' : 'failure'} title={r.status} />
          {r.status !== 'SUCCESS' && <> <span class="mono">{r.reason === '' ? r.status : `${r.status} ${r.reason}`}</span></>}
          {r.action !== '' && <span class="audit-action"> {r.action}</span>}
          {r.count > 1 && <span class="muted"> ×{r.count}</span>}
        </span>
      ),
    },
    { id: 'target', header: 'Target', cell: (r) => mono(r.target) },
    {
      id: 'details',
      header: 'Details',
      cell: (r) => (
        <button type="button" class="button button-small" aria-label={`Show event ${r.id}`} onClick={() => onOpen(r.event)}>
          Show
        </button>
      ),
    },
  ];
}

/** The audit events, newest first; "Show" opens an event's full CloudEvent. */
export function AuditTable({ events, onOpen, filtered }: { events: readonly AuditEvent[]; onOpen: (event: AuditEvent) => void; filtered: boolean }) {
  const rows = useMemo(() => events.map((event) => ({ ...auditRow(event), event })), [events]);
  const cols = useMemo(() => columns(onOpen), [onOpen]);
  return (
    <DataTable
      caption="Audit events, newest first"
      columns={cols}
      rows={rows}
      rowKey={(r) => r.id}
      pageSize={RENDERED_ROWS}
      empty={filtered ? 'No audit event matches these filters.' : 'No audit event is recorded yet.'}
    />
  );
}

/** One event as stored: its CloudEvent JSON, pretty-printed, with a copy button. */
export function AuditEventDialog({ event, onClose }: { event: AuditEvent | null; onClose: () => void }) {
  const json = event === null ? '' : JSON.stringify(event, null, 2);
  return (
    <Dialog
      title="Audit event"
      open={event !== null}
      onClose={onClose}
      footer={
        <button type="button" class="button" onClick={onClose}>
          Close
        </button>
      }
    >
      {event !== null && (
        <>
          <p class="audit-event-head">
            <span class="mono">{event.type}</span> · <ExactTime time={event.time} />
          </p>
          <p class="audit-event-head">
            <span class="muted">id</span> <span class="mono">{event.id}</span> <CopyButton text={json} label="Copy the event JSON" />
          </p>
          <pre class="json audit-event-json" tabIndex={0} aria-label="The event's CloudEvent JSON">
            {json}
          </pre>
        </>
      )}
    </Dialog>
  );
}
