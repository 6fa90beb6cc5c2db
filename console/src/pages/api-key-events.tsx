import { api } from '../api';
import { DataTable, type Column } from '../components/data-table';
import { ErrorNotice, Loading } from '../components/notice';
import { Panel } from '../components/page';
import { StatusBadge } from '../components/status-badge';
import { ExactTime } from '../components/time';
import { useResource } from '../hooks/use-resource';
import { auditLogHref } from '../audit/filters';
import { eventLine, mergeNewestFirst, type EventLine } from '../keys/audit-event';
import type { AuditEvent } from '../keys/types';

/** How many recent events the key page shows. */
export const RECENT_EVENTS = 50;

async function loadEvents(id: string, signal: AbortSignal): Promise<EventLine[]> {
  const page = (type: string) =>
    api.get<{ data: AuditEvent[] }>('/keyward/v1/audit-events', { api_key: id, type, limit: RECENT_EVENTS }, signal).then((answer) => answer.data);
  const [authentications, authorizations] = await Promise.all([page('authentication'), page('authorization')]);
  return mergeNewestFirst([authentications, authorizations], RECENT_EVENTS).map(eventLine);
}

const COLUMNS: Array<Column<EventLine>> = [
  { id: 'time', header: 'Time', cell: (e) => <ExactTime time={e.time} /> },
  { id: 'type', header: 'Type', cell: (e) => e.type },
  { id: 'result', header: 'Result', cell: (e) => <StatusBadge status={e.status === 'SUCCESS' ? 'success' : 'failure'} title={e.status} /> },
  { id: 'client', header: 'Client address', cell: (e) => (e.clientAddress === '' ? <span class="muted">—</span> : <span class="mono">{e.clientAddress}</span>) },
  {
    id: 'reason',
    header: 'Reason / method',
    cell: (e) => (
      <span>
        {e.status !== 'SUCCESS' && <strong>{e.reason === '' ? e.status : e.reason} </strong>}
        <span class="mono">{e.method}</span>
        {e.action !== '' && <> · {e.action}</>}
      </span>
    ),
  },
  { id: 'count', header: 'Requests', className: 'num', cell: (e) => e.count },
];

/** The key's recent authentication and authorization events (GET /keyward/v1/audit-events?api_key=…). */
export function KeyEventsPanel({ id, refreshKey }: { id: string; refreshKey: number }) {
  const events = useResource((signal) => loadEvents(id, signal), [id, refreshKey]);
  return (
    <Panel title="Recent authentications and authorizations" id="key-events" actions={<a href={auditLogHref({ api_key: id })}>All audit events of this key</a>}>
      <ErrorNotice error={events.error} title="The events cannot be read" />
      {events.data === undefined ? (
        events.loading && <Loading label="Loading events…" />
      ) : (
        <DataTable caption={`Recent events of ${id}`} columns={COLUMNS} rows={events.data} rowKey={(e) => e.id} pageSize={RECENT_EVENTS} empty="No authentication or authorization with this key is recorded." />
      )}
    </Panel>
  );
}
