import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api } from '../api';
import { describeHeld, type HeldCounts } from '../access/rules';
import { ErrorNotice, Loading, Notice } from '../components/notice';
import { Page, Panel } from '../components/page';
import { StatusBadge } from '../components/status-badge';
import { ExactTime } from '../components/time';
import { useResource } from '../hooks/use-resource';
import type { ServiceAccount, User } from '../keys/types';
import { paths } from '../routes';
import { DeletePrincipalDialog, type DeleteTarget } from './principals-delete';
import { HoldingPanels, heldCounts, loadHoldings } from './principals-holdings';
import { useSubmit } from '../hooks/use-submit';

type Kind = 'service-accounts' | 'users';

type Loaded = { kind: 'service-accounts'; account: ServiceAccount } | { kind: 'users'; user: User };

async function loadPrincipal(kind: Kind, id: string, signal: AbortSignal): Promise<Loaded> {
  const path = `/iam/v2/${kind}/${encodeURIComponent(id)}`;
  return kind === 'service-accounts' ? { kind, account: await api.get<ServiceAccount>(path, undefined, signal) } : { kind, user: await api.get<User>(path, undefined, signal) };
}

function Properties({ principal }: { principal: Loaded }) {
  if (principal.kind === 'service-accounts') {
    const sa = principal.account;
    return (
      <dl class="properties">
        <dt>ID</dt>
        <dd class="mono">{sa.id}</dd>
        <dt>Principal</dt>
        <dd class="mono">User:{sa.id}</dd>
        <dt>Name</dt>
        <dd>{sa.display_name}</dd>
        <dt>Description</dt>
        <dd>{sa.description || <span class="muted">—</span>}</dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={sa.status === 'DISABLED' ? 'disabled' : 'active'} />
        </dd>
        <dt>Created</dt>
        <dd>
          <ExactTime time={sa.metadata.created_at} />
        </dd>
      </dl>
    );
  }
  const user = principal.user;
  return (
    <dl class="properties">
      <dt>ID</dt>
      <dd class="mono">{user.id}</dd>
      <dt>Principal</dt>
      <dd class="mono">User:{user.id}</dd>
      <dt>Name</dt>
      <dd>{user.full_name || <span class="muted">—</span>}</dd>
      <dt>Email</dt>
      <dd>{user.email}</dd>
      <dt>Auth method</dt>
      <dd>{user.auth_type}</dd>
      <dt>Created</dt>
      <dd>
        <ExactTime time={user.metadata.created_at} />
      </dd>
    </dl>
  );
}

/**
 * /console/principals/service-accounts/:id and /console/principals/users/:id — the principal's
 * properties, API keys, role bindings and ACLs; disable/enable (service accounts) and delete.
 */
export function PrincipalPage() {
  const { params } = useRoute();
  const kind: Kind = params.kind === 'users' ? 'users' : 'service-accounts';
  const id = params.id ?? '';
  const noun = kind === 'users' ? 'user' : 'service account';
  const principal = useResource((signal) => loadPrincipal(kind, id, signal), [kind, id]);
  const holdings = useResource((signal) => loadHoldings(id, signal), [id]);
  const [deleting, setDeleting] = useState(false);
  const [deleted, setDeleted] = useState<HeldCounts | null | false>(false);
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, run } = useSubmit();
  const title = kind === 'users' ? `User ${id}` : `Service account ${id}`;
  const back = (
    <p class="breadcrumb">
      <a href={paths.principals}>All service accounts &amp; users</a>
    </p>
  );

  if (deleted !== false) {
    return (
      <Page title={title}>
        {back}
        <Notice tone="success">
          Deleted {noun} <span class="mono">{id}</span>
          {deleted === null ? ' and everything it held.' : deleted.api_keys + deleted.role_bindings + deleted.acls > 0 ? ` with its ${describeHeld(deleted)}.` : '.'}
        </Notice>
      </Page>
    );
  }
  if (principal.data === undefined) {
    return (
      <Page title={title}>
        {back}
        <ErrorNotice error={principal.error} title={`The ${noun} cannot be read`} />
        {principal.loading && <Loading label={`Loading the ${noun}…`} />}
      </Page>
    );
  }

  const loaded = principal.data;
  const name = loaded.kind === 'service-accounts' ? loaded.account.display_name : loaded.user.full_name || loaded.user.email;
  const disabled = loaded.kind === 'service-accounts' && loaded.account.status === 'DISABLED';
  const counts = heldCounts(holdings.data);
  const target: DeleteTarget = { noun, id, name, path: `/iam/v2/${kind}/${encodeURIComponent(id)}` };

  const setStatus = async (verb: 'disable' | 'enable') => {
    await run(async () => {
      setDone(null);
      await api.post(`/keyward/v1/service-accounts/${encodeURIComponent(id)}/${verb}`);
      setDone(verb === 'disable' ? `Disabled ${name}: none of its API keys authenticates until it is enabled again.` : `Enabled ${name}: its active API keys work again.`);
      principal.reload();
      holdings.reload();
    });
  };

  const actions = (
    <div class="row-actions">
      {loaded.kind === 'service-accounts' &&
        (disabled ? (
          <button type="button" class="button" disabled={busy} aria-label={`Enable service account ${id}`} onClick={() => void setStatus('enable')}>
            Enable
          </button>
        ) : (
          <button type="button" class="button" disabled={busy} aria-label={`Disable service account ${id}`} onClick={() => void setStatus('disable')}>
            Disable
          </button>
        ))}
      <button type="button" class="button button-danger" aria-label={`Delete ${noun} ${id}`} onClick={() => setDeleting(true)}>
        Delete
      </button>
    </div>
  );

  return (
    <Page title={`${kind === 'users' ? 'User' : 'Service account'} ${name}`} description={<span class="mono">{id}</span>} actions={actions}>
      {back}
      {done !== null ? <Notice tone="success">{done}</Notice> : <ErrorNotice error={error} title="Not changed" />}
      {disabled && <Notice tone="warning">This service account is disabled: none of its API keys authenticates.</Notice>}
      <Panel title="Properties">
        <Properties principal={loaded} />
      </Panel>
      <ErrorNotice error={holdings.error} title="What it holds cannot be read" />
      {holdings.loading && holdings.data === undefined && <Loading label="Loading its keys, role bindings and ACLs…" />}
      <HoldingPanels holdings={holdings.data} />
      <DeletePrincipalDialog
        target={target}
        counts={counts}
        open={deleting}
        onClose={() => setDeleting(false)}
        onDeleted={() => {
          setDeleting(false);
          setDeleted(counts);
        }}
      />
    </Page>
  );
}
