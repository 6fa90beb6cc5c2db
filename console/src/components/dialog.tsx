import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface DialogProps {
  title: string;
  open: boolean;
  onClose: () => void;
  children: ComponentChildren;
  /** The buttons at the bottom (the form's submit, cancel). */
  footer?: ComponentChildren;
  /** A form dialog submits with Enter; `onSubmit` receives it. */
  onSubmit?: () => void;
}

/**
 * A modal dialog on the native <dialog>: the browser keeps focus inside it, Escape closes it, and
 * focus returns to what opened it.
 */
export function Dialog({ title, open, onClose, children, footer, onSubmit }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = `dialog-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby={titleId} onClose={onClose} onCancel={(event) => { event.preventDefault(); onClose(); }}>
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit?.();
        }}
      >
        <header class="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div class="dialog-body">{open && children}</div>
        {footer !== undefined && <footer class="dialog-footer">{footer}</footer>}
      </form>
    </dialog>
  );
}

interface CancelAndSubmitProps {
  onCancel: () => void;
  /** The submit button's text. */
  children: ComponentChildren;
  /** A destructive action is red. */
  danger?: boolean;
  disabled?: boolean;
  /** The submit button's accessible name, when its text alone does not say what it does. */
  label?: string;
}

/** A dialog's usual footer: Cancel, and the button that submits the dialog's form. */
export function CancelAndSubmit({ onCancel, children, danger = false, disabled = false, label }: CancelAndSubmitProps) {
  return (
    <>
      <button type="button" class="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" class={`button ${danger ? 'button-danger' : 'button-primary'}`} disabled={disabled} aria-label={label}>
        {children}
      </button>
    </>
  );
}
