/**
 * The one place that decides "authority over a principal" and "a grant the caller could make"
 * (DESIGN §9, docs/access-control.md): it reads the principals' grants from the store and asks the
 * pure rules of `src/domain/authz/authority.ts`. Every path that creates or re-enables a credential
 * of another principal (`api-key create`, `enable`, `rotate`), creates a role binding or an ACL,
 * asks it.
 */
import { errors } from '../domain/errors.js';
import type { KafkaAcl } from '../domain/authz/acl.js';
import {
  authorityRefusal,
  grantRefusal,
  holdsOrganizationAuthority,
  type Grant,
  type Grantor,
  type HeldGrants,
} from '../domain/authz/authority.js';
import { aclsRepo, roleBindingsRepo } from '../store/repositories/grants.js';
import { clustersRepo } from '../store/repositories/clusters.js';
import type { Executor } from '../store/repositories/executor.js';
import type { ServiceDeps } from './context.js';

export function createAuthority(deps: Pick<ServiceDeps, 'db' | 'organizationId'>) {
  async function clusterEnvironments(db: Executor, ids: Iterable<string>): Promise<Map<string, string>> {
    const environments = new Map<string, string>();
    for (const id of new Set(ids)) {
      const cluster = await clustersRepo.find(db, id);
      if (cluster) environments.set(id, cluster.environment_id);
    }
    return environments;
  }

  async function grantorOf(db: Executor, principal: string, extraClusters: Iterable<string> = []): Promise<Grantor> {
    const [roleBindings, acls] = await Promise.all([roleBindingsRepo.byPrincipal(db, principal), aclsRepo.byPrincipal(db, principal)]);
    const denyAcls = (acls as unknown as KafkaAcl[]).filter((acl) => acl.permission === 'DENY');
    return {
      principal,
      organization: deps.organizationId,
      roleBindings,
      denyAcls,
      clusterEnvironments: await clusterEnvironments(db, [...denyAcls.map((acl) => acl.cluster_id), ...extraClusters]),
    };
  }

  async function heldBy(db: Executor, principal: string): Promise<HeldGrants> {
    const [roleBindings, acls] = await Promise.all([roleBindingsRepo.byPrincipal(db, principal), aclsRepo.byPrincipal(db, principal)]);
    return { principal, roleBindings, allowAcls: (acls as unknown as KafkaAcl[]).filter((acl) => acl.permission === 'ALLOW') };
  }

  /** Why `principal` has no authority over `target`, or undefined when it has (always, over itself). */
  async function refusalOver(principal: string, target: string, db: Executor = deps.db): Promise<string | undefined> {
    if (principal === target) return undefined;
    const held = await heldBy(db, target);
    const grantor = await grantorOf(db, principal, held.allowAcls.map((acl) => acl.cluster_id));
    return authorityRefusal(grantor, held);
  }

  return {
    refusalOver,
    /** Throws 403 naming the grant the caller could not make, unless `principal` has authority over `target`. */
    async requireAuthorityOver(principal: string, target: string, doing: string, db: Executor = deps.db): Promise<void> {
      const refusal = await refusalOver(principal, target, db);
      if (refusal !== undefined) throw errors.forbidden(`Forbidden: ${doing} needs authority over ${target}: ${refusal}`);
    },
    /** Throws 403 unless `principal` could make every one of these grants (role bindings, ACLs). */
    async requireMayGrant(principal: string, grants: readonly Grant[], db: Executor = deps.db): Promise<void> {
      const clusters = grants.flatMap((grant) => (grant.kind === 'acl' ? [grant.acl.cluster_id] : []));
      const grantor = await grantorOf(db, principal, clusters);
      for (const grant of grants) {
        const refusal = grantRefusal(grantor, grant);
        if (refusal !== undefined) throw errors.forbidden(`Forbidden: ${refusal}`);
      }
    },
    /** Does the principal hold OrganizationAdmin's authority over the whole organization? */
    async holdsOrganizationAuthority(principal: string, db: Executor = deps.db): Promise<boolean> {
      return holdsOrganizationAuthority(await roleBindingsRepo.byPrincipal(db, principal), deps.organizationId);
    },
  };
}

export type Authority = ReturnType<typeof createAuthority>;
