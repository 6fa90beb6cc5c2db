import { randomUUID } from 'node:crypto';
import { errors } from '../domain/errors.js';
import { validateAcl, WILDCARD_PRINCIPAL, type AclInput, type KafkaAcl } from '../domain/authz/acl.js';
import { aclsRepo, type AclFilter, type AclRow } from '../store/repositories/grants.js';
import { clustersRepo } from '../store/repositories/clusters.js';
import { applyChange } from './change.js';
import { clusterCrn } from './clusters.js';
import { nowIso, type CallContext, type ServiceDeps } from './context.js';
import { requireExistingPrincipal } from './role-bindings.js';
import { visibleOrNotFound } from './access.js';
import { createAuthority } from './authority.js';

export type Acl = AclRow;
export type AclQuery = Omit<AclFilter, 'clusterId'>;

/** Kafka ACLs per cluster, with Kafka's own validation; every change takes effect on the next request. */
export function createAclService(deps: Pick<ServiceDeps, 'db' | 'clock' | 'authz' | 'organizationId' | 'audit' | 'changes'>) {
  const authority = createAuthority(deps);
  /** The Kafka cluster, if the caller may read it; otherwise 404, as for an id that does not exist. */
  async function cluster(ctx: CallContext, id: string) {
    const found = await clustersRepo.find(deps.db, id);
    const row = await visibleOrNotFound(found?.kind === 'kafka' ? found : undefined, (r) => deps.authz.can(ctx, 'cluster:read', clusterCrn(deps.organizationId, r)), 'Kafka cluster', id);
    return { row, crn: clusterCrn(deps.organizationId, row) };
  }

  function normaliseQuery(query: AclQuery): AclQuery {
    const upper = (v: string | undefined) => (v === undefined || v === '' || v.toUpperCase() === 'ANY' ? undefined : v.toUpperCase());
    return {
      principal: query.principal === undefined || query.principal === '' ? undefined : query.principal,
      permission: upper(query.permission),
      operation: upper(query.operation),
      resourceType: upper(query.resourceType),
      resourceName: query.resourceName === undefined || query.resourceName === '' ? undefined : query.resourceName,
      patternType: upper(query.patternType),
    };
  }

  return {
    async create(ctx: CallContext, clusterId: string, inputs: AclInput[]): Promise<Acl[]> {
      const { crn } = await cluster(ctx, clusterId);
      await deps.authz.require(ctx, 'acl:manage', crn);
      if (inputs.length === 0) throw errors.invalid('No ACL given');
      if (inputs.length > 100) throw errors.invalid('At most 100 ACLs in one request');
      const acls: KafkaAcl[] = inputs.map((input) => validateAcl({ ...input, cluster_id: clusterId }));
      // nobody passes on, to anyone, what a DENY ACL refuses them (an ALLOW ACL for a principal
      // whose key the caller holds would do just that)
      await authority.requireMayGrant(ctx.actor.principal, acls.map((acl) => ({ kind: 'acl' as const, acl })));
      for (const principal of new Set(acls.map((a) => a.principal))) {
        if (principal !== WILDCARD_PRINCIPAL) await requireExistingPrincipal(deps.db, principal);
      }
      return applyChange(deps, ctx, async ({ trx, audit, changed }) => {
        const created: Acl[] = [];
        const existing = await aclsRepo.list(trx, { clusterId });
        for (const acl of acls) {
          const same = existing.find((e) => e.principal === acl.principal && e.permission === acl.permission && e.operation === acl.operation && e.resource_type === acl.resource_type && e.resource_name === acl.resource_name && e.pattern_type === acl.pattern_type && e.host === acl.host);
          if (same) {
            created.push(same); // Kafka treats re-adding an ACL as a no-op
            continue;
          }
          const row: Acl = { id: randomUUID(), cluster_id: clusterId, principal: acl.principal, permission: acl.permission, operation: acl.operation, resource_type: acl.resource_type, resource_name: acl.resource_name, pattern_type: acl.pattern_type, host: acl.host, created_at: nowIso(deps.clock) };
          await aclsRepo.insert(trx, row);
          existing.push(row);
          created.push(row);
        }
        audit({ method: 'kafka.CreateAcls', subject: crn, details: { cluster: clusterId, acls: created.map(({ id: _id, created_at: _c, ...rest }) => rest) } });
        for (const principal of new Set(created.map((acl) => acl.principal))) changed({ kind: 'grants', principal });
        return created;
      });
    },
    async list(ctx: CallContext, clusterId: string, query: AclQuery): Promise<Acl[]> {
      const { crn } = await cluster(ctx, clusterId);
      await deps.authz.require(ctx, 'acl:read', crn);
      return aclsRepo.list(deps.db, { clusterId, ...normaliseQuery(query) });
    },
    /** Deletes every ACL matching the filter (exact fields; omitted or ANY matches all) and returns them. */
    async delete(ctx: CallContext, clusterId: string, query: AclQuery): Promise<Acl[]> {
      const { crn } = await cluster(ctx, clusterId);
      await deps.authz.require(ctx, 'acl:manage', crn);
      const filter = normaliseQuery(query);
      if (filter.resourceType === undefined) throw errors.invalidFilter('resource_type is required to delete ACLs (use ANY to match every type)');
      return applyChange(deps, ctx, async ({ trx, audit, changed }) => {
        const matching = await aclsRepo.list(trx, { clusterId, ...filter });
        // Nobody lifts a DENY ACL that names them: another principal with acl:manage must, or an
        // OrganizationAdmin (there is nobody above to ask).
        const ownDeny = matching.find((a) => a.permission === 'DENY' && a.principal === ctx.actor.principal);
        if (ownDeny && !(await authority.holdsOrganizationAuthority(ctx.actor.principal, trx))) {
          throw errors.forbidden(
            `Forbidden: the DENY ACL on ${ownDeny.resource_type}:${ownDeny.resource_name} (${ownDeny.pattern_type}) names ${ctx.actor.principal}; another principal with acl:manage on ${clusterId} must delete it`,
          );
        }
        await aclsRepo.deleteIds(trx, matching.map((a) => a.id));
        audit({ method: 'kafka.DeleteAcls', subject: crn, details: { cluster: clusterId, deleted: matching.length } });
        for (const principal of new Set(matching.map((acl) => acl.principal))) changed({ kind: 'grants', principal });
        return matching;
      });
    },
  };
}

export type AclService = ReturnType<typeof createAclService>;
