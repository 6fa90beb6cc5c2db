import { useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../api';
import { SelectField } from '../components/field';
import { ErrorNotice, Loading } from '../components/notice';
import { Page } from '../components/page';
import { useResource } from '../hooks/use-resource';
import { EMPTY_DIRECTORY, loadDirectory } from '../keys/directory';
import { applyFilters, filtersFromQuery, isFiltered, queryOfFilters, STATUS_FILTERS, type KeyFilters } from '../keys/filters';
import { buildKeyRows, usageByKey, type KeyRow } from '../keys/rows';
import type { ApiKey, UsageSummary } from '../keys/types';
import { paths } from '../routes';
import { useKeyActions } from './api-key-actions';
import { CreateKeyDialog } from './api-keys-create';
import { KeysTable } from './api-keys-table';

/** Distinct values of the loaded rows as select options, sorted by label. */
function optionsOf(rows: readonly KeyRow[], value: (row: KeyRow) => string | null, label: (row: KeyRow) => string) {
  const seen = new Map<string, string>();
  for (const row of rows) {
    const v = value(row);
    if (v !== null && !seen.has(v)) seen.set(v, label(row));
  }
  return [...seen].map(([v, l]) => ({ value: v, label: l === v ? v : `${l} (${v})` })).sort((a, b) => a.label.localeCompare(b.label));
}

/**
 * Every API key the signed-in principal may see (one listAll), with names from the directory, a 24 h
 * sparkline per key (one usage request for all of them), badges, filters in the URL, and the key actions.
 */
export function ApiKeysPage() {
  const location = useLocation();
  const filters = filtersFromQuery(location.query);
  const keys = useResource((signal) => api.listAll<ApiKey>('/iam/v2/api-keys', {}, signal), []);
  const directory = useResource((signal) => loadDirectory(signal), []);
  // Until the usage endpoint answers (or if it cannot), the sparklines show "—".
  const usage = useResource((signal) => api.get<UsageSummary>('/keyward/v1/usage', { since: '24h', bucket: '1h' }, signal).catch(() => null), []);
  const [creating, setCreating] = useState(false);
  const { act, feedback, dialogs } = useKeyActions(() => {
    keys.reload();
    usage.reload();
  });

  const dir = directory.data ?? EMPTY_DIRECTORY;
  const rows = useMemo(
    () => (keys.data === undefined ? [] : buildKeyRows(keys.data, dir, usage.data ? usageByKey(usage.data) : undefined, Date.now())),
    [keys.data, dir, usage.data],
  );
  const visible = useMemo(() => applyFilters(rows, filters), [rows, filters.owner, filters.resource, filters.environment, filters.status, filters.q]);
  const owners = useMemo(() => optionsOf(rows, (r) => r.key.spec.owner.id, (r) => r.owner), [rows]);
  const resources = useMemo(() => optionsOf(rows, (r) => r.key.spec.resource.id, (r) => r.resource), [rows]);
  const environments = useMemo(() => optionsOf(rows, (r) => r.key.spec.resource.environment, (r) => r.environment), [rows]);

  function setFilter(name: keyof KeyFilters, value: string) {
    location.route(`${paths.apiKeys}${queryOfFilters({ ...filters, [name]: value })}`, true);
  }

  const actions = (
    <>
      <button type="button" class="button button-primary" onClick={() => setCreating(true)}>
        Create API key
      </button>
      <button
        type="button"
        class="button"
        onClick={() => {
          keys.reload();
          usage.reload();
        }}
      >
        Refresh
      </button>
    </>
  );

  return (
    <Page title="API keys" actions={actions} description="Every key you may see, its owner, resource and use in the last 24 hours.">
      {feedback}
      <ErrorNotice error={keys.error} title="The keys cannot be listed" />
      <form class="filters" role="search" aria-label="Filter API keys" onSubmit={(event) => event.preventDefault()}>
        <SelectField label="Owner" id="keys-filter-owner" value={filters.owner} options={owners} emptyLabel="Any owner" onChange={(v) => setFilter('owner', v)} />
        <SelectField label="Resource" id="keys-filter-resource" value={filters.resource} options={resources} emptyLabel="Any resource" onChange={(v) => setFilter('resource', v)} />
        <SelectField label="Environment" id="keys-filter-environment" value={filters.environment} options={environments} emptyLabel="Any environment" onChange={(v) => setFilter('environment', v)} />
        <SelectField label="Status" id="keys-filter-status" value={filters.status} options={STATUS_FILTERS} emptyLabel="Any status" onChange={(v) => setFilter('status', v)} />
        <div class="field grow">
          <label for="keys-search">Search</label>
          <input id="keys-search" type="search" value={filters.q} placeholder="Key, description or owner" spellcheck={false} onInput={(e) => setFilter('q', e.currentTarget.value)} />
        </div>
        {isFiltered(filters) && (
          <button type="button" class="button" onClick={() => location.route(paths.apiKeys, true)}>
            Clear filters
          </button>
        )}
      </form>
      {keys.data === undefined ? (
        keys.loading && <Loading label="Loading API keys…" />
      ) : (
        <>
          <p class="muted" role="status" aria-live="polite">
            {isFiltered(filters) ? `${visible.length} of ${rows.length} API keys match.` : `${rows.length} API keys.`}
            {usage.data === null && ' Usage is not available.'}
          </p>
          <KeysTable rows={visible} onAction={act} filtered={isFiltered(filters)} />
        </>
      )}
      <CreateKeyDialog
        open={creating}
        directory={dir}
        onClose={() => setCreating(false)}
        onCreated={() => {
          keys.reload();
        }}
      />
      {dialogs}
    </Page>
  );
}
