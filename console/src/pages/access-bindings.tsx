import { useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import type { RoleName } from '../../../src/contract/index';
import { bindingPattern, bindingRelation, describeScope, resourceTypesFor, rolesFor, scopeOf, type AccessCluster, type BindingResourceFlag } from '../access/scope';
import type { RoleBinding } from '../access/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { DataTable, type Column } from '../components/data-table';
import { CancelAndSubmit, Dialog } from '../components/dialog';
import { Field, Select, SelectField } from '../components/field';
import { ErrorNotice, Loading, Notice } from '../components/notice';
import { Panel } from '../components/page';
import { PrincipalInput, type PrincipalOption } from '../components/principal-input';
import { useResource } from '../hooks/use-resource';
import { useSubmit } from '../hooks/use-submit';

interface BindingRow {
  binding: RoleBinding;
  relation: 'covers' | 'inside';
}

function CreateBindingDialog(props: { organization: string; cluster: AccessCluster; principals: readonly PrincipalOption[]; open: boolean; onClose: () => void; onCreated: (b: RoleBinding) => void }) {
  const { organization, cluster, principals, open, onClose, onCreated } = props;
  const roles = rolesFor(cluster.kind);
  const [principal, setPrincipal] = useState('');
  const [role, setRole] = useState<RoleName | ''>('');
  const [resourceType, setResourceType] = useState<BindingResourceFlag | ''>('');
  const [resourceName, setResourceName] = useState('');
  const [prefix, setPrefix] = useState(false);
  const { busy, error, setError, run } = useSubmit();
  const types = role === '' ? [] : resourceTypesFor(role, cluster.kind);
  const chosenType = resourceType !== '' && types.includes(resourceType) ? resourceType : (types[0] ?? '');
  const pattern = role === '' ? null : bindingPattern(organization, cluster, { role, resourceType: chosenType, resourceName, prefix });
  const reset = () => {
    setPrincipal('');
    setRole('');
    setResourceType('');
    setResourceName('');
    setPrefix(false);
    setError(undefined);
  };
  const close = () => {
    reset();
    onClose();
  };
  const submit = async () => {
    if (pattern === null || !pattern.ok) return;
    await run(async () => {
      const created = await api.post<RoleBinding>('/iam/v2/role-bindings', { principal: principal.trim(), role_name: role, crn_pattern: pattern.crnPattern });
      reset();
      onCreated(created);
    });
  };
  return (
    <Dialog
      title="Create role binding"
      open={open}
      onClose={close}
      onSubmit={() => void submit()}
      footer={
        <CancelAndSubmit onCancel={close} disabled={busy || principal.trim() === '' || pattern === null || !pattern.ok}>
          Create role binding
        </CancelAndSubmit>
      }
    >
      <ErrorNotice error={error} title="Not created" />
      <Field label="Principal" id="rb-principal" hint="User:<id> of a service account or user">
        <PrincipalInput id="rb-principal" value={principal} onInput={setPrincipal} options={principals} autoFocus describedBy="rb-principal-hint" />
      </Field>
      <Field label="Role" id="rb-role" hint={role === '' ? undefined : `Bound on ${describeScope(role, cluster)}`}>
        <Select id="rb-role" value={role} options={roles} emptyLabel="Choose a role" required onChange={(value) => { setRole(value); setResourceType(''); }} />
      </Field>
      {role !== '' && scopeOf(role) === 'resource' && (
        <>
          <SelectField label="Resource type" id="rb-resource-type" value={chosenType} options={types} required onChange={setResourceType} />
          <Field label={prefix ? 'Resource name prefix' : 'Resource name'} id="rb-resource-name">
            <input id="rb-resource-name" value={resourceName} required maxLength={255} spellcheck={false} onInput={(e) => setResourceName(e.currentTarget.value)} />
          </Field>
          <div class="field checkbox-field">
            <label>
              <input type="checkbox" checked={prefix} onChange={(e) => setPrefix(e.currentTarget.checked)} /> Prefix: every resource whose name starts with it
            </label>
          </div>
        </>
      )}
      {pattern !== null && (
        <p class={pattern.ok ? 'muted crn-preview' : 'hint'} aria-live="polite">
          {pattern.ok ? (
            <>
              CRN pattern: <span class="mono">{pattern.crnPattern}</span>
            </>
          ) : (
            pattern.message
          )}
        </p>
      )}
    </Dialog>
  );
}

/** The role bindings that concern the cluster (those on it or inside it, and the organization and environment ones that cover it), with create and delete. */
export function RoleBindingsPanel(props: { organization: string; cluster: AccessCluster; principals: readonly PrincipalOption[] }) {
  const { organization, cluster, principals } = props;
  const bindings = useResource((signal) => api.listAll<RoleBinding>('/iam/v2/role-bindings', {}, signal), [cluster.id]);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<RoleBinding | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const rows = useMemo<BindingRow[]>(() => {
    const list: BindingRow[] = [];
    for (const binding of bindings.data ?? []) {
      const relation = bindingRelation(binding.crn_pattern, organization, cluster);
      if (relation !== null) list.push({ binding, relation });
    }
    return list;
  }, [bindings.data, organization, cluster]);
  const changed = (message: string) => {
    setDone(message);
    bindings.reload();
  };
  const columns: ReadonlyArray<Column<BindingRow>> = [
    { id: 'id', header: 'ID', cell: (r) => <span class="mono">{r.binding.id}</span>, sortValue: (r) => r.binding.id },
    { id: 'principal', header: 'Principal', cell: (r) => <span class="mono">{r.binding.principal}</span>, sortValue: (r) => r.binding.principal },
    { id: 'role', header: 'Role', cell: (r) => r.binding.role_name, sortValue: (r) => r.binding.role_name },
    { id: 'applies', header: 'Applies to', cell: (r) => (r.relation === 'covers' ? 'the whole cluster' : 'a resource in it'), sortValue: (r) => r.relation },
    { id: 'crn', header: 'CRN pattern', cell: (r) => <span class="mono crn">{r.binding.crn_pattern}</span>, sortValue: (r) => r.binding.crn_pattern },
    {
      id: 'actions',
      header: 'Actions',
      cell: (r) => (
        <button type="button" class="button button-small" aria-label={`Delete role binding ${r.binding.id}`} onClick={() => setDeleting(r.binding)}>
          Delete
        </button>
      ),
    },
  ];
  return (
    <Panel
      title="Role bindings"
      actions={
        <button type="button" class="button button-primary" onClick={() => setCreating(true)}>
          Create role binding
        </button>
      }
    >
      {done !== null && <Notice tone="success">{done}</Notice>}
      <ErrorNotice error={bindings.error} title="The role bindings cannot be read" />
      {bindings.data === undefined ? (
        bindings.loading && <Loading label="Loading role bindings…" />
      ) : (
        <DataTable caption={`Role bindings of ${cluster.id}`} columns={columns} rows={rows} rowKey={(r) => r.binding.id} empty="No role binding concerns this cluster." />
      )}
      <CreateBindingDialog
        organization={organization}
        cluster={cluster}
        principals={principals}
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          changed(`Created role binding ${created.id}: ${created.role_name} for ${created.principal}.`);
        }}
      />
      <ConfirmDialog
        title={deleting === null ? 'Delete role binding' : `Delete role binding ${deleting.id}`}
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        confirmText="Delete role binding"
        confirmLabel={deleting === null ? undefined : `Confirm deleting role binding ${deleting.id}`}
        onConfirm={async () => {
          if (deleting === null) return;
          await api.delete(`/iam/v2/role-bindings/${encodeURIComponent(deleting.id)}`);
          setDeleting(null);
          changed(`Deleted role binding ${deleting.id} (${deleting.role_name} for ${deleting.principal}).`);
        }}
      >
        {deleting !== null && (
          <p>
            Remove <strong>{deleting.role_name}</strong> of <span class="mono">{deleting.principal}</span> on <span class="mono crn">{deleting.crn_pattern}</span>? What it granted stops at once.
          </p>
        )}
      </ConfirmDialog>
    </Panel>
  );
}
