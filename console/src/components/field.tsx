import type { ComponentChildren } from 'preact';

let counter = 0;
/** An id for a control and its label (stable per component instance when kept in a ref or useMemo). */
export function controlId(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

interface FieldProps {
  label: string;
  /** The control's id (its <label for>). */
  id: string;
  hint?: ComponentChildren;
  children: ComponentChildren;
}

/** A labelled control with an optional hint under it (aria-describedby is `<id>-hint`). */
export function Field({ label, id, hint, children }: FieldProps) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {hint !== undefined && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

interface SelectProps<T extends string> {
  id: string;
  value: T | '';
  options: ReadonlyArray<T | { value: T; label: string }>;
  onChange: (value: T | '') => void;
  /** Adds a first option with value '' (e.g. "Any status"). */
  emptyLabel?: string;
  required?: boolean;
  /** Focused when its dialog opens (the native <dialog> honours autofocus). */
  autoFocus?: boolean;
}

/** A <select> over a contract enum (or labelled values). */
export function Select<T extends string>({ id, value, options, onChange, emptyLabel, required, autoFocus }: SelectProps<T>) {
  return (
    <select id={id} value={value} required={required} autoFocus={autoFocus} onChange={(event) => onChange((event.currentTarget as HTMLSelectElement).value as T | '')}>
      {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
      {options.map((option) => {
        const item = typeof option === 'string' ? { value: option, label: option } : option;
        return (
          <option key={item.value} value={item.value}>
            {item.label}
          </option>
        );
      })}
    </select>
  );
}

/** A labelled <select>: Field and Select with one id. */
export function SelectField<T extends string>({ label, hint, ...select }: SelectProps<T> & { label: string; hint?: ComponentChildren }) {
  return (
    <Field label={label} id={select.id} hint={hint}>
      <Select {...select} />
    </Field>
  );
}
