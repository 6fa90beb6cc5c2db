import { useState } from 'preact/hooks';
import { api } from '../api';
import { CancelAndSubmit, Dialog } from '../components/dialog';
import { SelectField } from '../components/field';
import { ErrorNotice } from '../components/notice';
import { SecretBox } from '../components/secret-box';
import { ExactTime } from '../components/time';
import { DEFAULT_GRACE, GRACE_CHOICES, type GraceChoice } from '../keys/lifecycle';
import type { ApiKey, RotatedApiKey } from '../keys/types';
import { Cutover } from './api-key-cutover';
import { useSubmit } from '../hooks/use-submit';

interface RotateKeyDialogProps {
  /** The key to rotate; null: the dialog is closed. */
  apiKey: ApiKey | null;
  onClose: () => void;
  onRotated: (oldKey: string, newKey: string) => void;
}

type Step = { step: 'choose' } | { step: 'secret'; rotated: RotatedApiKey; secret: string } | { step: 'cutover'; oldKey: string; newKey: string };

/**
 * Rotates a key (POST /keyward/v1/api-keys/{id}/rotate) with a grace period, shows the new secret once,
 * then the cutover: both keys' last use, refreshed. Closing clears the secret.
 */
export function RotateKeyDialog({ apiKey, onClose, onRotated }: RotateKeyDialogProps) {
  const [grace, setGrace] = useState<GraceChoice>(DEFAULT_GRACE);
  const [state, setState] = useState<Step>({ step: 'choose' });
  const { busy, error, setError, run } = useSubmit();

  function close() {
    setState({ step: 'choose' });
    setGrace(DEFAULT_GRACE);
    setError(undefined);
    onClose();
  }

  async function submit() {
    if (apiKey === null) return;
    if (state.step === 'secret') return setState({ step: 'cutover', oldKey: state.rotated.rotation.replaces, newKey: state.rotated.id });
    if (state.step === 'cutover') return close();
    await run(async () => {
      const rotated = await api.post<RotatedApiKey>(`/keyward/v1/api-keys/${encodeURIComponent(apiKey.id)}/rotate`, { grace });
      setState({ step: 'secret', rotated, secret: rotated.spec.secret ?? '' });
      onRotated(rotated.rotation.replaces, rotated.id);
    });
  }

  const id = apiKey?.id ?? '';
  const footer =
    state.step === 'choose' ? (
      <CancelAndSubmit onCancel={close} disabled={busy}>
        {busy ? 'Rotating…' : 'Rotate API key'}
      </CancelAndSubmit>
    ) : state.step === 'secret' ? (
      <button type="submit" class="button button-primary">
        I saved the secret: watch the cutover
      </button>
    ) : (
      <button type="submit" class="button button-primary">
        Done
      </button>
    );
  const title = state.step === 'choose' ? `Rotate API key ${id}` : state.step === 'secret' ? 'New API key' : 'Cutover';

  return (
    <Dialog title={title} open={apiKey !== null} onClose={close} onSubmit={() => void submit()} footer={footer}>
      {state.step === 'choose' && (
        <>
          <ErrorNotice error={error} />
          <p>
            A new key with the same owner, resource and description is issued. The old key <span class="mono">{id}</span> keeps working during the grace
            period, then expires.
          </p>
          <SelectField label="Grace period" id="rotate-grace" autoFocus value={grace} options={GRACE_CHOICES} onChange={(value) => setGrace(value === '' ? DEFAULT_GRACE : value)} />
        </>
      )}
      {state.step === 'secret' && (
        <>
          <SecretBox apiKey={state.rotated.id} secret={state.secret} />
          <p>
            The old key <span class="mono">{state.rotated.rotation.replaces}</span> stops working at <ExactTime time={state.rotated.rotation.old_key_expires_at} />.
          </p>
        </>
      )}
      {state.step === 'cutover' && <Cutover oldKey={state.oldKey} newKey={state.newKey} />}
    </Dialog>
  );
}
