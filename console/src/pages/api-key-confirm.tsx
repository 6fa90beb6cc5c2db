import { api } from '../api';
import { CancelAndSubmit, Dialog } from '../components/dialog';
import { ErrorNotice, Loading } from '../components/notice';
import { ExactTime } from '../components/time';
import { useResource } from '../hooks/use-resource';
import { relativeTime } from '../../../src/contract/relative-time';
import { usedRecently } from '../keys/lifecycle';
import type { ApiKey } from '../keys/types';
import { useSubmit } from '../hooks/use-submit';

export type ConfirmKind = 'disable' | 'delete';

interface ConfirmKeyDialogProps {
  kind: ConfirmKind;
  /** The key to act on; null: the dialog is closed. */
  apiKey: ApiKey | null;
  onClose: () => void;
  onDone: (message: string) => void;
}

const WORDS = {
  disable: { title: 'Disable API key', button: 'Disable API key', busy: 'Disabling…', past: 'Disabled', effect: 'It fails from the next request on, until it is enabled again.' },
  delete: { title: 'Delete API key', button: 'Delete API key', busy: 'Deleting…', past: 'Deleted', effect: 'This cannot be undone: applications using it fail from the next request on.' },
} as const;

/** The key's last use, read again when the dialog opens (the table's copy may be minutes old). */
function LastUse({ apiKey }: { apiKey: ApiKey }) {
  const fresh = useResource((signal) => api.get<ApiKey>(`/iam/v2/api-keys/${encodeURIComponent(apiKey.id)}`, undefined, signal), [apiKey.id]);
  if (fresh.loading && fresh.data === undefined) return <Loading label="Reading the key's last use…" />;
  const lastUsed = (fresh.data ?? apiKey).spec.last_used;
  return (
    <>
      <p>
        Last used: <ExactTime time={lastUsed} />
      </p>
      {usedRecently(lastUsed, Date.now()) && (
        <div class="notice notice-error loud" role="alert">
          <strong>Warning: this key was used {relativeTime(lastUsed ?? '')}.</strong> An application still depends on it.
        </div>
      )}
    </>
  );
}

/**
 * Confirms disabling (POST /keyward/v1/api-keys/{id}/disable) or deleting (DELETE /iam/v2/api-keys/{id})
 * a key, showing its last use and warning loudly when that was within 15 minutes (DESIGN §6).
 */
export function ConfirmKeyDialog({ kind, apiKey, onClose, onDone }: ConfirmKeyDialogProps) {
  const { busy, error, setError, run } = useSubmit();
  const words = WORDS[kind];
  const id = apiKey?.id ?? '';

  function close() {
    setError(undefined);
    onClose();
  }

  async function submit() {
    if (apiKey === null) return;
    await run(async () => {
      const path = encodeURIComponent(apiKey.id);
      if (kind === 'delete') await api.delete(`/iam/v2/api-keys/${path}`);
      else await api.post(`/keyward/v1/api-keys/${path}/disable`);
      onDone(`${words.past} API key ${apiKey.id}.`);
    });
  }

  const footer = (
    <CancelAndSubmit onCancel={close} danger={kind === 'delete'} disabled={busy}>
      {busy ? words.busy : words.button}
    </CancelAndSubmit>
  );
  return (
    <Dialog title={`${words.title} ${id}`} open={apiKey !== null} onClose={close} onSubmit={() => void submit()} footer={footer}>
      {apiKey !== null && (
        <>
          <ErrorNotice error={error} />
          <p>
            <span class="mono">{apiKey.id}</span>
            {apiKey.spec.description === '' ? '' : ` (${apiKey.spec.description})`} on {apiKey.spec.resource.id}. {words.effect}
          </p>
          <LastUse apiKey={apiKey} />
        </>
      )}
    </Dialog>
  );
}
