import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { KafkaAcl } from '../authz/acl.js';
import { AuthorizerIndex } from '../authz/authorizer-index.js';
import type { ReplicaGrant } from './compile-grants.js';
import {
  VECTORS_PATH,
  VECTOR_CLUSTER,
  compileScenario,
  decideRequest,
  generateDecisionVectors,
  ruleOf,
  serializeDecisionVectors,
  sourceScenarios,
  type SourceScenario,
} from './decision-vectors.js';

const committedText = readFileSync(new URL(`../../../${VECTORS_PATH}`, import.meta.url), 'utf8');

/** A broker's view: each grant as Kafka ACLs (one per operation), decided with Kafka's ACL semantics and no roles. */
function kafkaAclsOf(grants: readonly ReplicaGrant[]): KafkaAcl[] {
  return grants.flatMap((grant) =>
    grant.operations.map((operation) => ({
      cluster_id: VECTOR_CLUSTER,
      principal: grant.principal,
      permission: grant.permission,
      operation,
      resource_type: grant.resource_type,
      resource_name: grant.name,
      pattern_type: grant.pattern_type,
      host: grant.host,
    })),
  );
}

/** Every request of the scenario decided over the compiled grants and over the source data, side by side. */
function compareScenario(scenario: SourceScenario): Array<{ request: unknown; compiled: unknown; source: unknown }> {
  const source = new AuthorizerIndex({ acls: scenario.acls, roleBindings: scenario.roleBindings });
  const compiled = new AuthorizerIndex({ acls: kafkaAclsOf(compileScenario(scenario)), roleBindings: [] });
  return scenario.requests.map((request) => {
    const bySource = decideRequest(source, request);
    const byGrants = decideRequest(compiled, request);
    return { request, compiled: { granted: byGrants.granted, rule: ruleOf(byGrants) }, source: { granted: bySource.granted, rule: ruleOf(bySource) } };
  });
}

describe(`${VECTORS_PATH}`, () => {
  it('is what `npm run vectors` writes from the current code', () => {
    const fresh = serializeDecisionVectors(generateDecisionVectors());
    if (committedText !== fresh) {
      expect.fail(`${VECTORS_PATH} is out of date with keyward's authorizer, key check or grant compiler: run \`npm run vectors\` and commit the file`);
    }
  });

  it('is valid JSON of the documented shape, under 300 KB, covering every rule, resource type and login result', () => {
    expect(committedText.length).toBeLessThan(300_000);
    const vectors = JSON.parse(committedText) as ReturnType<typeof generateDecisionVectors>;
    expect(vectors.generated_by).toBe('npm run vectors');
    const requests = vectors.authorizations.flatMap((scenario) => scenario.requests);
    expect(requests.length).toBeGreaterThanOrEqual(300);
    expect(new Set(requests.map((r) => `${r.granted}/${r.rule}`))).toEqual(new Set(['true/ALLOW', 'false/DENY', 'false/NONE']));
    expect(new Set(requests.map((r) => r.resource_type))).toEqual(new Set(['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID']));
    expect(new Set(vectors.logins.map((l) => l.result))).toEqual(new Set(['VALID', 'INVALID_CREDENTIALS', 'DISABLED', 'EXPIRED']));
    const grants = vectors.authorizations.flatMap((scenario) => scenario.grants);
    expect(new Set(grants.map((g) => `${g.source.kind}/${g.pattern_type}`))).toEqual(new Set(['acl/LITERAL', 'acl/PREFIXED', 'role-binding/LITERAL', 'role-binding/PREFIXED']));
  });
});

describe('compiled grants decide as keyward does over the source ACLs and role bindings', () => {
  it.each(sourceScenarios().map((scenario) => [scenario.name, scenario] as const))('%s', (_name, scenario) => {
    for (const { request, compiled, source } of compareScenario(scenario)) expect(compiled, JSON.stringify(request)).toEqual(source);
  });

  it('on 60 more seeds of random scenarios', () => {
    let compared = 0;
    for (let seed = 1; seed <= 60; seed++) {
      for (const scenario of sourceScenarios(seed).filter((s) => s.name.startsWith('seeded random'))) {
        for (const { request, compiled, source } of compareScenario(scenario)) {
          expect(compiled, `seed ${seed}, ${scenario.name}: ${JSON.stringify(request)}`).toEqual(source);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });
});
