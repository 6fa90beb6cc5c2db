import type { ComponentChildren } from 'preact';
import { Dialog } from './dialog';
import { ErrorNotice } from './notice';
import { useSubmit } from '../hooks/use-submit';

interface ConfirmDialogProps {
  title: string;
  open: boolean;
  onClose: () => void;
  /** Does the change; a rejection is shown in the dialog, which stays open. */
  onConfirm: () => Promise<void>;
  /** The confirm button's text and, when given, its accessible name. */
  confirmText: string;
  confirmLabel?: string;
  children: ComponentChildren;
}

/** Asks before a destructive change and shows why it failed, if it did. */
export function ConfirmDialog({ title, open, onClose, onConfirm, confirmText, confirmLabel, children }: ConfirmDialogProps) {
  const { busy, error, setError, run } = useSubmit();
  const close = () => {
    setError(undefined);
    onClose();
  };
  const confirm = async () => {
    await run(async () => {
      await onConfirm();
    });
  };
  return (
    <Dialog
      title={title}
      open={open}
      onClose={close}
      onSubmit={() => void confirm()}
      footer={
        <>
          <button type="button" class="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" class="button button-danger" disabled={busy} aria-label={confirmLabel}>
            {confirmText}
          </button>
        </>
      }
    >
      <ErrorNotice error={error} title="Not done" />
      {children}
    </Dialog>
  );
}
