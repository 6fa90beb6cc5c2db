/** A principal's text box (`User:sa-…`) that suggests the known service accounts and users. */
export interface PrincipalOption {
  principal: string;
  label: string;
}

export function PrincipalInput(props: { id: string; value: string; onInput: (value: string) => void; options: readonly PrincipalOption[]; autoFocus?: boolean; describedBy?: string }) {
  const { id, value, onInput, options, autoFocus, describedBy } = props;
  const listId = `${id}-options`;
  return (
    <>
      <input
        id={id}
        value={value}
        list={listId}
        required
        maxLength={128}
        autoFocus={autoFocus}
        autoComplete="off"
        spellcheck={false}
        placeholder="User:sa-…"
        aria-describedby={describedBy}
        onInput={(event) => onInput(event.currentTarget.value)}
      />
      <datalist id={listId}>
        {options.map((option) => (
          <option key={option.principal} value={option.principal}>
            {option.label}
          </option>
        ))}
      </datalist>
    </>
  );
}
