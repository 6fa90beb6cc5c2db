import { useState } from 'preact/hooks';
import { api } from '../api';
import { KAFKA_OPERATIONS, type KafkaOperation } from '../../../src/contract/index';
import type { AccessCheckBody } from '../../../src/contract/access-check';
import { describeRule } from '../access/rules';
import type { AccessCluster } from '../access/scope';
import { Field, SelectField } from '../components/field';
import { ErrorNotice } from '../components/notice';
import { Panel } from '../components/page';
import { PrincipalInput, type PrincipalOption } from '../components/principal-input';
import { useSubmit } from '../hooks/use-submit';

/** The resource types a check may name on each kind of cluster. */
const CHECK_TYPES = { kafka: ['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID'], 'schema-registry': ['SUBJECT'] } as const;
type CheckType = (typeof CHECK_TYPES)[keyof typeof CHECK_TYPES][number];

interface Answer {
  question: string;
  body: AccessCheckBody;
}

/**
 * "Check access": would the data plane allow this principal this operation on this resource of the
 * cluster (`GET /keyward/v1/access/check`)? The answer is read out by screen readers (aria-live).
 */
export function AccessCheckPanel({ cluster, principals }: { cluster: AccessCluster; principals: readonly PrincipalOption[] }) {
  const types = CHECK_TYPES[cluster.kind];
  const [principal, setPrincipal] = useState('');
  const [operation, setOperation] = useState<KafkaOperation>('READ');
  const [resourceType, setResourceType] = useState<CheckType>(types[0]);
  const [resourceName, setResourceName] = useState('');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const { busy, error, run } = useSubmit();
  const type = (types as readonly string[]).includes(resourceType) ? resourceType : types[0];
  const needsName = type !== 'CLUSTER';

  const check = async () => {
    setAnswer(null);
    const query = { principal: principal.trim(), operation, resource_type: type, resource_name: needsName ? resourceName.trim() : undefined, cluster: cluster.id };
    await run(async () => {
      const body = await api.get<AccessCheckBody>('/keyward/v1/access/check', query);
      setAnswer({ question: `${query.principal} ${operation} ${type}${needsName ? ` ${query.resource_name}` : ''} on ${cluster.id}`, body });
    });
  };

  return (
    <Panel title="Check access">
      <form
        class="filters check-form"
        onSubmit={(event) => {
          event.preventDefault();
          void check();
        }}
      >
        <Field label="Principal" id="check-principal">
          <PrincipalInput id="check-principal" value={principal} onInput={setPrincipal} options={principals} />
        </Field>
        <SelectField label="Operation" id="check-operation" value={operation} options={KAFKA_OPERATIONS} onChange={(value) => value !== '' && setOperation(value)} />
        <SelectField label="Resource type" id="check-resource-type" value={type} options={types} onChange={(value) => value !== '' && setResourceType(value)} />
        {needsName && (
          <Field label="Resource name" id="check-resource-name">
            <input id="check-resource-name" value={resourceName} required maxLength={1024} spellcheck={false} onInput={(e) => setResourceName(e.currentTarget.value)} />
          </Field>
        )}
        <button type="submit" class="button button-primary" disabled={busy || principal.trim() === ''}>
          Check access
        </button>
      </form>
      <div class="check-answer" role="status" aria-live="polite" aria-atomic="true" data-testid="access-check-result">
        {busy && <p class="muted">Checking…</p>}
        {answer !== null && (
          <div class={`check-result ${answer.body.allowed ? 'check-allowed' : 'check-denied'}`}>
            <p class="check-verdict">
              <strong>{answer.body.allowed ? 'Allowed' : 'Denied'}</strong>: <span class="mono">{answer.question}</span>
            </p>
            <p>
              Deciding rule: <span class="check-rule">{describeRule(answer.body.rule)}</span>
            </p>
            <p class="muted">{answer.body.reason}</p>
          </div>
        )}
      </div>
      <ErrorNotice error={error} title="The check failed" />
    </Panel>
  );
}
