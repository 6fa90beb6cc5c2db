import { api } from '../api';
import { describeHeld, type HeldCounts } from '../access/rules';
import { CancelAndSubmit, Dialog } from '../components/dialog';
import { ErrorNotice } from '../components/notice';
import { useSubmit } from '../hooks/use-submit';

export interface DeleteTarget {
  /** "service account" or "user" */
  noun: string;
  id: string;
  name: string;
  /** The DELETE path. */
  path: string;
}

/**
 * Confirms deleting a principal, with the counts of what goes with it (its keys, role bindings and
 * ACLs: the server deletes them in the same change and reports them in X-Keyward-Deleted).
 */
export function DeletePrincipalDialog(props: { target: DeleteTarget; counts: HeldCounts | null; open: boolean; onClose: () => void; onDeleted: () => void }) {
  const { target, counts, open, onClose, onDeleted } = props;
  const { busy, error, setError, run } = useSubmit();
  const close = () => {
    setError(undefined);
    onClose();
  };
  const submit = async () => {
    await run(async () => {
      await api.delete(target.path);
      onDeleted();
    });
  };
  const holds = counts !== null && counts.api_keys + counts.role_bindings + counts.acls > 0;
  return (
    <Dialog
      title={`Delete ${target.noun} ${target.id}`}
      open={open}
      onClose={close}
      onSubmit={() => void submit()}
      footer={
        <CancelAndSubmit onCancel={close} danger disabled={busy} label={`Delete ${target.noun} ${target.id}${holds ? ' and what it holds' : ''}`}>
          {holds ? 'Delete it and what it holds' : `Delete ${target.noun}`}
        </CancelAndSubmit>
      }
    >
      <ErrorNotice error={error} title="Not deleted" />
      <p>
        Delete the {target.noun} <strong>{target.name}</strong> (<span class="mono">{target.id}</span>)? This cannot be undone.
      </p>
      {counts === null ? (
        <p class="notice notice-warning" role="alert">
          What it holds could not be counted: all of its API keys, role bindings and ACLs are deleted with it.
        </p>
      ) : holds ? (
        <p class="notice notice-warning" role="alert" data-testid="delete-counts">
          Its <strong>{describeHeld(counts)}</strong> are deleted with it; clients using those keys stop authenticating at once.
        </p>
      ) : (
        <p class="muted" data-testid="delete-counts">
          It holds no API keys, role bindings or ACLs.
        </p>
      )}
    </Dialog>
  );
}
