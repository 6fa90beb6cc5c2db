import { useState } from 'preact/hooks';
import { api } from '../api';
import { ACL_PERMISSIONS, KAFKA_RESOURCE_TYPES, PATTERN_TYPES, type AclPermission, type KafkaResourceType, type PatternType } from '../../../src/contract/index';
import { CLUSTER_RESOURCE_NAME, SUPPORTED_OPERATIONS } from '../../../src/domain/authz/acl';
import { aclDeleteQuery, aclLabel, describeAcl } from '../access/rules';
import type { AccessCluster } from '../access/scope';
import type { AclList, KafkaAcl } from '../access/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { DataTable, type Column } from '../components/data-table';
import { CancelAndSubmit, Dialog } from '../components/dialog';
import { Field, Select, SelectField } from '../components/field';
import { ErrorNotice, Loading, Notice } from '../components/notice';
import { Panel } from '../components/page';
import { PrincipalInput, type PrincipalOption } from '../components/principal-input';
import { StatusBadge } from '../components/status-badge';
import { useResource } from '../hooks/use-resource';
import { useSubmit } from '../hooks/use-submit';

const aclsPath = (cluster: string) => `/kafka/v3/clusters/${encodeURIComponent(cluster)}/acls`;

function CreateAclDialog(props: { cluster: AccessCluster; principals: readonly PrincipalOption[]; open: boolean; onClose: () => void; onCreated: (acls: KafkaAcl[]) => void }) {
  const { cluster, principals, open, onClose, onCreated } = props;
  const [permission, setPermission] = useState<AclPermission>('ALLOW');
  const [principal, setPrincipal] = useState('');
  const [resourceType, setResourceType] = useState<KafkaResourceType>('TOPIC');
  const [resourceName, setResourceName] = useState('');
  const [patternType, setPatternType] = useState<PatternType>('LITERAL');
  const [operations, setOperations] = useState<string[]>([]);
  const { busy, error, setError, run } = useSubmit();
  const offered = ['ALL', ...SUPPORTED_OPERATIONS[resourceType]];
  const isCluster = resourceType === 'CLUSTER';
  const name = isCluster ? CLUSTER_RESOURCE_NAME : resourceName.trim();
  const reset = () => {
    setPermission('ALLOW');
    setPrincipal('');
    setResourceType('TOPIC');
    setResourceName('');
    setPatternType('LITERAL');
    setOperations([]);
    setError(undefined);
  };
  const close = () => {
    reset();
    onClose();
  };
  const submit = async () => {
    await run(async () => {
      const body = operations.map((operation) => ({
        permission,
        principal: principal.trim(),
        operation,
        resource_type: resourceType,
        resource_name: name,
        pattern_type: isCluster ? 'LITERAL' : patternType,
      }));
      const created = await api.post<AclList>(aclsPath(cluster.id), body);
      reset();
      onCreated(created.data);
    });
  };
  return (
    <Dialog
      title="Create ACL"
      open={open}
      onClose={close}
      onSubmit={() => void submit()}
      footer={
        <CancelAndSubmit onCancel={close} disabled={busy || principal.trim() === '' || name === '' || operations.length === 0}>
          Create ACL
        </CancelAndSubmit>
      }
    >
      <ErrorNotice error={error} title="Not created" />
      <fieldset class="choice">
        <legend>Permission</legend>
        {ACL_PERMISSIONS.map((value) => (
          <label key={value}>
            <input type="radio" name="acl-permission" value={value} checked={permission === value} onChange={() => setPermission(value)} /> {value === 'ALLOW' ? 'Allow' : 'Deny'}
          </label>
        ))}
      </fieldset>
      <Field label="Principal" id="acl-principal" hint="User:<id>, or User:* for everyone">
        <PrincipalInput id="acl-principal" value={principal} onInput={setPrincipal} options={principals} describedBy="acl-principal-hint" />
      </Field>
      <Field label="Resource type" id="acl-resource-type">
        <Select
          id="acl-resource-type"
          value={resourceType}
          options={KAFKA_RESOURCE_TYPES}
          onChange={(value) => {
            if (value === '') return;
            setResourceType(value);
            setOperations((current) => current.filter((op) => op === 'ALL' || SUPPORTED_OPERATIONS[value].includes(op as never)));
          }}
        />
      </Field>
      {!isCluster && (
        <>
          <Field label="Resource name" id="acl-resource-name" hint={patternType === 'PREFIXED' ? 'A prefix: every resource whose name starts with it' : '* for every resource of the type'}>
            <input id="acl-resource-name" value={resourceName} required maxLength={255} spellcheck={false} aria-describedby="acl-resource-name-hint" onInput={(e) => setResourceName(e.currentTarget.value)} />
          </Field>
          <SelectField label="Pattern type" id="acl-pattern-type" value={patternType} options={PATTERN_TYPES} onChange={(value) => value !== '' && setPatternType(value)} />
        </>
      )}
      <fieldset class="choice operations">
        <legend>Operations</legend>
        {offered.map((operation) => (
          <label key={operation}>
            <input
              type="checkbox"
              checked={operations.includes(operation)}
              onChange={(event) => {
                const checked = event.currentTarget.checked;
                setOperations((current) => (checked ? [...current, operation] : current.filter((op) => op !== operation)));
              }}
            />{' '}
            {operation}
          </label>
        ))}
      </fieldset>
    </Dialog>
  );
}

/** The Kafka cluster's ACLs (`GET /kafka/v3/clusters/{id}/acls`), with create and delete. */
export function AclsPanel(props: { cluster: AccessCluster; principals: readonly PrincipalOption[] }) {
  const { cluster, principals } = props;
  const acls = useResource((signal) => api.get<AclList>(aclsPath(cluster.id), undefined, signal), [cluster.id]);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<KafkaAcl | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const changed = (message: string) => {
    setDone(message);
    acls.reload();
  };
  const columns: ReadonlyArray<Column<KafkaAcl>> = [
    { id: 'permission', header: 'Permission', cell: (a) => <StatusBadge status={a.permission === 'ALLOW' ? 'allowed' : 'denied'} title={a.permission} />, sortValue: (a) => a.permission },
    { id: 'principal', header: 'Principal', cell: (a) => <span class="mono">{a.principal}</span>, sortValue: (a) => a.principal },
    { id: 'operation', header: 'Operation', cell: (a) => a.operation, sortValue: (a) => a.operation },
    { id: 'type', header: 'Resource type', cell: (a) => a.resource_type, sortValue: (a) => a.resource_type },
    { id: 'name', header: 'Resource name', cell: (a) => <span class="mono">{a.resource_name}</span>, sortValue: (a) => a.resource_name },
    { id: 'pattern', header: 'Pattern', cell: (a) => a.pattern_type, sortValue: (a) => a.pattern_type },
    { id: 'host', header: 'Host', cell: (a) => a.host },
    {
      id: 'actions',
      header: 'Actions',
      cell: (a) => (
        <button type="button" class="button button-small" aria-label={`Delete ACL ${aclLabel(a)}`} onClick={() => setDeleting(a)}>
          Delete
        </button>
      ),
    },
  ];
  return (
    <Panel
      title="ACLs"
      actions={
        <button type="button" class="button button-primary" onClick={() => setCreating(true)}>
          Create ACL
        </button>
      }
    >
      {done !== null && <Notice tone="success">{done}</Notice>}
      <ErrorNotice error={acls.error} title="The ACLs cannot be read" />
      {acls.data === undefined ? (
        acls.loading && <Loading label="Loading ACLs…" />
      ) : (
        <DataTable caption={`ACLs of ${cluster.id}`} columns={columns} rows={acls.data.data} rowKey={aclLabel} empty="No ACLs on this cluster." />
      )}
      <CreateAclDialog
        cluster={cluster}
        principals={principals}
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          changed(`Created ${created.length === 1 ? 'an ACL' : `${created.length} ACLs`}: ${created.map(describeAcl).join('; ')}.`);
        }}
      />
      <ConfirmDialog
        title="Delete ACL"
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        confirmText="Delete ACL"
        confirmLabel={deleting === null ? undefined : `Confirm deleting ACL ${aclLabel(deleting)}`}
        onConfirm={async () => {
          if (deleting === null) return;
          await api.delete(aclsPath(cluster.id), aclDeleteQuery(deleting));
          setDeleting(null);
          changed(`Deleted the ACL ${describeAcl(deleting)}.`);
        }}
      >
        {deleting !== null && <p>Delete the ACL {describeAcl(deleting)}? What it allowed (or denied) stops at once.</p>}
      </ConfirmDialog>
    </Panel>
  );
}
