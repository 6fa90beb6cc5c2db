import { useState } from 'preact/hooks';
import { api } from '../api';
import { CancelAndSubmit, Dialog } from '../components/dialog';
import { Field } from '../components/field';
import { ErrorNotice } from '../components/notice';
import type { ServiceAccount } from '../keys/types';
import { useSubmit } from '../hooks/use-submit';

/** "Create service account": name and description (`POST /iam/v2/service-accounts`). */
export function CreateServiceAccountDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (account: ServiceAccount) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const { busy, error, setError, run } = useSubmit();
  const close = () => {
    setName('');
    setDescription('');
    setError(undefined);
    onClose();
  };
  const submit = async () => {
    await run(async () => {
      const created = await api.post<ServiceAccount>('/iam/v2/service-accounts', { display_name: name.trim(), description: description.trim() });
      setName('');
      setDescription('');
      onCreated(created);
    });
  };
  return (
    <Dialog
      title="Create service account"
      open={open}
      onClose={close}
      onSubmit={() => void submit()}
      footer={
        <CancelAndSubmit onCancel={close} disabled={busy || name.trim() === ''}>
          Create service account
        </CancelAndSubmit>
      }
    >
      <ErrorNotice error={error} title="Not created" />
      <Field label="Name" id="sa-create-name" hint="Unique in the organization, e.g. orders-service">
        <input id="sa-create-name" value={name} required maxLength={64} autoFocus aria-describedby="sa-create-name-hint" onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label="Description" id="sa-create-description">
        <input id="sa-create-description" value={description} maxLength={256} onInput={(e) => setDescription(e.currentTarget.value)} />
      </Field>
    </Dialog>
  );
}
