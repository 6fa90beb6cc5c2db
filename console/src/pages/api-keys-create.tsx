import { useState } from 'preact/hooks';
import { api } from '../api';
import { CancelAndSubmit, Dialog } from '../components/dialog';
import { Field, Select } from '../components/field';
import { ErrorNotice } from '../components/notice';
import { SecretBox } from '../components/secret-box';
import type { Directory } from '../keys/directory';
import { checkExpiresIn } from '../keys/lifecycle';
import type { ApiKey } from '../keys/types';
import { useSession } from '../session';
import { useSubmit } from '../hooks/use-submit';

const MYSELF = 'myself';

interface CreateKeyDialogProps {
  open: boolean;
  directory: Directory;
  onClose: () => void;
  /** Called once the key exists (the table reloads); the secret stays in this dialog. */
  onCreated: (key: string) => void;
}

/**
 * Creates an API key (POST /iam/v2/api-keys) for a service account or the signed-in user, on a cluster or
 * `cloud`, and shows its secret once. Closing the dialog clears the secret from its state.
 */
export function CreateKeyDialog({ open, directory, onClose, onCreated }: CreateKeyDialogProps) {
  const { session } = useSession();
  const [owner, setOwner] = useState(MYSELF);
  const [resource, setResource] = useState('cloud');
  const [description, setDescription] = useState('');
  const [expiresIn, setExpiresIn] = useState('');
  const { busy, error, setError, run } = useSubmit();
  const [created, setCreated] = useState<{ key: string; secret: string } | null>(null);

  function close() {
    setCreated(null);
    setOwner(MYSELF);
    setResource('cloud');
    setDescription('');
    setExpiresIn('');
    setError(undefined);
    onClose();
  }

  async function submit() {
    if (created !== null) return close();
    const expiry = checkExpiresIn(expiresIn);
    if ('error' in expiry) return setError(new Error(expiry.error));
    await run(async () => {
      const key = await api.post<ApiKey>('/iam/v2/api-keys', {
        spec: {
          resource: { id: resource },
          ...(owner === MYSELF ? {} : { owner: { id: owner } }),
          description: description.trim(),
          ...(expiry.value === undefined ? {} : { expires_in: expiry.value }),
        },
      });
      setCreated({ key: key.id, secret: key.spec.secret ?? '' });
      onCreated(key.id);
    });
  }

  const owners = [
    { value: MYSELF, label: `Myself (${session.principal})` },
    ...[...directory.serviceAccounts.values()].map((account) => ({ value: account.id, label: `${account.name} (${account.id})` })),
  ];
  const resources = [
    { value: 'cloud', label: 'cloud: the keyward management API' },
    ...[...directory.resources.values()].map((r) => ({ value: r.id, label: `${r.name} (${r.id}, ${r.kind === 'kafka' ? 'Kafka' : 'Schema Registry'})` })),
  ];

  const footer =
    created === null ? (
      <CancelAndSubmit onCancel={close} disabled={busy}>
        {busy ? 'Creating…' : 'Create API key'}
      </CancelAndSubmit>
    ) : (
      <button type="submit" class="button button-primary">
        Done
      </button>
    );

  return (
    <Dialog title={created === null ? 'Create an API key' : 'API key created'} open={open} onClose={close} onSubmit={() => void submit()} footer={footer}>
      {created === null ? (
        <>
          <ErrorNotice error={error} />
          <Field label="Owner" id="create-key-owner" hint="A service account (for applications) or yourself.">
            <Select id="create-key-owner" autoFocus value={owner} options={owners} onChange={(value) => setOwner(value === '' ? MYSELF : value)} />
          </Field>
          <Field label="Resource" id="create-key-resource" hint="The cluster the key authenticates to, or cloud for the management API.">
            <Select id="create-key-resource" value={resource} options={resources} onChange={(value) => setResource(value === '' ? 'cloud' : value)} />
          </Field>
          <Field label="Description" id="create-key-description">
            <input id="create-key-description" value={description} maxLength={256} onInput={(e) => setDescription(e.currentTarget.value)} />
          </Field>
          <Field label="Expires in" id="create-key-expires" hint="Empty: never. A duration such as 90d, 12h or 1d12h.">
            <input
              id="create-key-expires"
              value={expiresIn}
              placeholder="never"
              spellcheck={false}
              aria-describedby="create-key-expires-hint"
              onInput={(e) => setExpiresIn(e.currentTarget.value)}
            />
          </Field>
        </>
      ) : (
        <SecretBox apiKey={created.key} secret={created.secret} />
      )}
    </Dialog>
  );
}
