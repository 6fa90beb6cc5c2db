import { useEffect, useState } from 'preact/hooks';
import { AUDIT_RESULTS, AUDIT_TYPES, AUDIT_TYPE_NAMES, type AuditResultName } from '../../../src/contract/index';
import { Field, SelectField } from '../components/field';
import { EMPTY_AUDIT_FILTERS, isAuditFiltered, queryOfAuditFilters, type AuditFilters } from '../audit/filters';

const TYPE_OPTIONS = AUDIT_TYPE_NAMES.map((name) => ({ value: name, label: `${name[0]?.toUpperCase()}${name.slice(1)} (${AUDIT_TYPES[name]})` }));
const RESULT_LABELS: Record<AuditResultName, string> = { success: 'Success (SUCCESS)', failure: 'Failure (UNAUTHENTICATED, UNAUTHORIZED, FAILURE)' };
const RESULT_OPTIONS = AUDIT_RESULTS.map((value) => ({ value, label: RESULT_LABELS[value] }));
const TIME_HINT = 'A duration back from now (24h, 7d) or a time (2027-01-31T00:00:00Z)';

interface TextFilterProps {
  name: keyof AuditFilters;
  label: string;
  placeholder: string;
  hint?: string;
  draft: AuditFilters;
  onChange: (name: keyof AuditFilters, value: string) => void;
}

function TextFilter({ name, label, placeholder, hint, draft, onChange }: TextFilterProps) {
  const id = `audit-filter-${name}`;
  return (
    <Field label={label} id={id} hint={hint}>
      <input
        id={id}
        name={name}
        type="text"
        value={draft[name]}
        placeholder={placeholder}
        spellcheck={false}
        autoComplete="off"
        maxLength={64}
        aria-describedby={hint === undefined ? undefined : `${id}-hint`}
        onInput={(event) => onChange(name, event.currentTarget.value)}
      />
    </Field>
  );
}

/**
 * The audit log's filters as a search form: edits stay in the form until "Search" puts them in the
 * URL (onApply); "Reset" clears them. The form follows the URL when it changes (back button, link).
 */
export function AuditFilterForm({ filters, onApply }: { filters: AuditFilters; onApply: (filters: AuditFilters) => void }) {
  const key = queryOfAuditFilters(filters);
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [key]);
  const set = (name: keyof AuditFilters, value: string) => setDraft((before) => ({ ...before, [name]: value }));

  return (
    <form
      class="filters audit-filters"
      role="search"
      aria-label="Filter audit events"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(draft);
      }}
    >
      <TextFilter name="api_key" label="API key" placeholder="UTT6WDRXX7FHD2GV" draft={draft} onChange={set} />
      <TextFilter name="principal" label="Principal" placeholder="User:sa-abc123 or sa-abc123" draft={draft} onChange={set} />
      <SelectField label="Type" id="audit-filter-type" value={draft.type} options={TYPE_OPTIONS} emptyLabel="Any type" onChange={(value) => set('type', value)} />
      <SelectField label="Result" id="audit-filter-result" value={draft.result} options={RESULT_OPTIONS} emptyLabel="Any result" onChange={(value) => set('result', value)} />
      <TextFilter name="since" label="Since" placeholder="24h" hint={TIME_HINT} draft={draft} onChange={set} />
      <TextFilter name="until" label="Until" placeholder="2027-01-31T00:00:00Z" hint={TIME_HINT} draft={draft} onChange={set} />
      <TextFilter name="target" label="Target" placeholder="API key or sa-abc123" hint="The object a management event is about" draft={draft} onChange={set} />
      <div class="filter-buttons">
        <button type="submit" class="button button-primary">
          Search
        </button>
        <button
          type="button"
          class="button"
          disabled={!isAuditFiltered(filters) && !isAuditFiltered(draft)}
          onClick={() => {
            setDraft(EMPTY_AUDIT_FILTERS);
            onApply(EMPTY_AUDIT_FILTERS);
          }}
        >
          Reset
        </button>
      </div>
    </form>
  );
}
