import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorNotice, Notice } from '../components/notice';
import type { ApiKey } from '../keys/types';
import { ConfirmKeyDialog, type ConfirmKind } from './api-key-confirm';
import { RotateKeyDialog } from './api-key-rotate';

export type KeyAction = 'rotate' | 'disable' | 'enable' | 'delete';

export interface KeyChange {
  action: KeyAction;
  key: string;
  /** For a rotation, the new key. */
  newKey?: string;
}

/** The buttons of one key (a table row, the key page), each named with the key: "Rotate ABC…". */
export function KeyActionButtons({ apiKey, onAction }: { apiKey: ApiKey; onAction: (action: KeyAction, key: ApiKey) => void }) {
  const spec = apiKey.spec;
  return (
    <div class="row-actions">
      {spec.state !== 'expired' && (
        <button type="button" class="button button-small" aria-label={`Rotate ${apiKey.id}`} onClick={() => onAction('rotate', apiKey)}>
          Rotate
        </button>
      )}
      {spec.status === 'DISABLED' ? (
        <button type="button" class="button button-small" aria-label={`Enable ${apiKey.id}`} onClick={() => onAction('enable', apiKey)}>
          Enable
        </button>
      ) : (
        <button type="button" class="button button-small" aria-label={`Disable ${apiKey.id}`} onClick={() => onAction('disable', apiKey)}>
          Disable
        </button>
      )}
      <button type="button" class="button button-small button-danger" aria-label={`Delete ${apiKey.id}`} onClick={() => onAction('delete', apiKey)}>
        Delete
      </button>
    </div>
  );
}

/**
 * The actions on keys, with one dialog of each kind for the whole page (not one per row): `act` opens the
 * right one (enable needs no confirmation), `onChanged` runs after a change (reload), `feedback` says
 * what happened or what failed, `dialogs` must be rendered once.
 */
export function useKeyActions(onChanged: (change: KeyChange) => void) {
  const [rotating, setRotating] = useState<ApiKey | null>(null);
  const [confirming, setConfirming] = useState<{ kind: ConfirmKind; key: ApiKey } | null>(null);
  const [result, setResult] = useState<{ message: string } | { error: unknown } | null>(null);

  function act(action: KeyAction, key: ApiKey) {
    setResult(null);
    if (action === 'rotate') setRotating(key);
    else if (action === 'enable') {
      api.post(`/keyward/v1/api-keys/${encodeURIComponent(key.id)}/enable`).then(
        () => {
          setResult({ message: `Enabled API key ${key.id}.` });
          onChanged({ action, key: key.id });
        },
        (error: unknown) => setResult({ error }),
      );
    } else setConfirming({ kind: action, key });
  }

  const feedback =
    result === null ? null : 'error' in result ? <ErrorNotice error={result.error} /> : <Notice tone="success">{result.message}</Notice>;

  const dialogs = (
    <>
      <RotateKeyDialog
        apiKey={rotating}
        onClose={() => setRotating(null)}
        onRotated={(oldKey, newKey) => {
          setResult({ message: `Rotated API key ${oldKey}: the new key is ${newKey}.` });
          onChanged({ action: 'rotate', key: oldKey, newKey });
        }}
      />
      <ConfirmKeyDialog
        kind={confirming?.kind ?? 'delete'}
        apiKey={confirming?.key ?? null}
        onClose={() => setConfirming(null)}
        onDone={(message) => {
          const change = confirming;
          setConfirming(null);
          setResult({ message });
          if (change !== null) onChanged({ action: change.kind, key: change.key.id });
        }}
      />
    </>
  );
  return { act, feedback, dialogs };
}
