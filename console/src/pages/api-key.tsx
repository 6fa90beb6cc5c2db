import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api } from '../api';
import { ErrorNotice, Loading } from '../components/notice';
import { Page, Panel } from '../components/page';
import { StatusBadge } from '../components/status-badge';
import { ExactTime } from '../components/time';
import { useResource } from '../hooks/use-resource';
import { keyBadges } from '../keys/attention';
import { EMPTY_DIRECTORY, environmentName, loadDirectory, ownerName, resourceName } from '../keys/directory';
import type { ApiKey } from '../keys/types';
import type { ApiKeyState } from '../../../src/contract/index';
import { paths } from '../routes';
import { KeyActionButtons, useKeyActions } from './api-key-actions';
import { Cutover } from './api-key-cutover';
import { KeyEventsPanel } from './api-key-events';
import { KeyUsagePanel } from './api-key-usage';

/** The longest grace period: a key created by a rotation this recently may still have its old key working. */
const MAX_GRACE_MS = 7 * 86_400_000;

function KeyLink({ id }: { id: string | null }) {
  if (id === null) return <span class="muted">—</span>;
  return (
    <a class="mono" href={paths.apiKey(id)}>
      {id}
    </a>
  );
}

/** The cutover to watch, if this key is in one: replaced and still working, or a recent replacement. */
function cutoverOf(key: ApiKey, now: number): { oldKey: string; newKey: string } | null {
  if (key.spec.replaced_by !== null && key.spec.state === 'active') return { oldKey: key.id, newKey: key.spec.replaced_by };
  if (key.spec.replaces !== null && now - Date.parse(key.metadata.created_at) <= MAX_GRACE_MS) return { oldKey: key.spec.replaces, newKey: key.id };
  return null;
}

/** /console/api-keys/:id — a key's properties, usage by outcome, recent events and actions. */
export function ApiKeyPage({ id: idProp }: { id?: string }) {
  const route = useRoute();
  const location = useLocation();
  const id = idProp ?? route.params.id ?? '';
  const [generation, setGeneration] = useState(0);
  const key = useResource((signal) => api.get<ApiKey>(`/iam/v2/api-keys/${encodeURIComponent(id)}`, undefined, signal), [id]);
  const directory = useResource((signal) => loadDirectory(signal), []);
  const { act, feedback, dialogs } = useKeyActions((change) => {
    if (change.action === 'delete') return location.route(paths.apiKeys);
    key.reload();
    setGeneration((n) => n + 1);
  });

  if (key.data === undefined) {
    return (
      <Page title={`API key ${id}`}>
        <ErrorNotice error={key.error} title="The key cannot be read" />
        {key.loading && <Loading label="Loading the key…" />}
        <p>
          <a href={paths.apiKeys}>All API keys</a>
        </p>
      </Page>
    );
  }

  const k = key.data;
  const spec = k.spec;
  const dir = directory.data ?? EMPTY_DIRECTORY;
  const now = Date.now();
  const badges = keyBadges({ state: spec.state as ApiKeyState, expires_at: spec.expires_at }, undefined, now);
  const cutover = cutoverOf(k, now);
  const ownerHref = spec.owner.kind === 'ServiceAccount' ? paths.serviceAccount(spec.owner.id) : paths.user(spec.owner.id);

  return (
    <Page title={`API key ${k.id}`} description={spec.description || undefined} actions={<KeyActionButtons apiKey={k} onAction={act} />}>
      <p class="breadcrumb">
        <a href={paths.apiKeys}>All API keys</a>
      </p>
      {feedback}
      <ErrorNotice error={key.error} />
      <Panel title="Properties">
        <dl class="properties">
          <dt>Status</dt>
          <dd>
            {badges.map((badge) => (
              <StatusBadge key={badge} status={badge} />
            ))}
            {spec.disabled !== undefined && (
              <span class="muted">
                {' '}
                disabled by {spec.disabled.by ?? 'unknown'} ({spec.disabled.reason})
              </span>
            )}
          </dd>
          <dt>Owner</dt>
          <dd>
            <a href={ownerHref}>{ownerName(dir, spec.owner)}</a> <span class="muted mono">{spec.owner.id}</span>
          </dd>
          <dt>Resource</dt>
          <dd>
            {resourceName(dir, spec.resource)} {spec.resource.kind !== 'Cloud' && <span class="muted mono">{spec.resource.id}</span>}
          </dd>
          <dt>Environment</dt>
          <dd>{spec.resource.environment === null ? <span class="muted">—</span> : `${environmentName(dir, spec.resource.environment)}`}</dd>
          <dt>Description</dt>
          <dd>{spec.description || <span class="muted">—</span>}</dd>
          <dt>Created</dt>
          <dd>
            <ExactTime time={k.metadata.created_at} />
          </dd>
          <dt>Expires</dt>
          <dd>
            <ExactTime time={spec.expires_at} never="never" />
          </dd>
          <dt>Last used</dt>
          <dd>
            <ExactTime time={spec.last_used} />
          </dd>
          <dt>Replaces</dt>
          <dd>
            <KeyLink id={spec.replaces} />
          </dd>
          <dt>Replaced by</dt>
          <dd>
            <KeyLink id={spec.replaced_by} />
          </dd>
        </dl>
      </Panel>
      {cutover !== null && (
        <Panel title="Rotation cutover">
          <Cutover oldKey={cutover.oldKey} newKey={cutover.newKey} />
        </Panel>
      )}
      <KeyUsagePanel id={k.id} refreshKey={generation} />
      <KeyEventsPanel id={k.id} refreshKey={generation} />
      {dialogs}
    </Page>
  );
}
