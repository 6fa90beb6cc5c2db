import type { Kysely } from 'kysely';
import { errors } from '../../domain/errors.js';
import { AuthorizerIndex } from '../../domain/authz/authorizer-index.js';
import type { AuthorizationDecision, AuthorizationRequest, KafkaResourceRef } from '../../domain/authz/decision.js';
import type { AuthzAction } from '../../domain/authz/roles.js';
import { WILDCARD_HOST, type KafkaAcl } from '../../domain/authz/acl.js';
import type { Database } from '../../store/database.js';
import { aclsRepo, roleBindingsRepo } from '../../store/repositories/grants.js';
import type { ChangeBus } from '../changes.js';
import type { CallContext } from '../context.js';

export interface AuthzDeps {
  db: Kysely<Database>;
  changes: ChangeBus;
  /** False while cross-instance invalidation is down: then every decision reads the store. */
  trusted?: () => boolean;
}

/**
 * The one authorizer of both planes, over an in-memory index of every role binding and ACL. The
 * index is dropped on every grants change (in this process, or announced by another instance)
 * and rebuilt on the next decision, so a removed binding or a new DENY ACL refuses the very next
 * request.
 */
export function createAuthz(deps: AuthzDeps) {
  let index: AuthorizerIndex | undefined;
  let loading: Promise<AuthorizerIndex> | undefined;
  let generation = 0;
  const trusted = deps.trusted ?? (() => true);
  /** Indexes whose ACLs all hold for every host (`*`): their decisions are the same from any client address. */
  const everyHost = new WeakSet<AuthorizerIndex>();

  const unsubscribe = deps.changes.subscribe((change) => {
    if (change.kind === 'grants' || change.kind === 'all') {
      generation++;
      index = undefined;
      loading = undefined;
    }
  });

  async function build(): Promise<AuthorizerIndex> {
    const [acls, roleBindings] = await Promise.all([aclsRepo.all(deps.db), roleBindingsRepo.all(deps.db)]);
    const built = new AuthorizerIndex({ acls: acls as unknown as KafkaAcl[], roleBindings });
    if (acls.every((acl) => acl.host === WILDCARD_HOST)) everyHost.add(built);
    return built;
  }

  function current(): AuthorizerIndex | Promise<AuthorizerIndex> {
    if (!trusted()) return build();
    if (index) return index;
    if (!loading) {
      const started = generation;
      const pending = build().then((built) => {
        if (started === generation) index = built;
        return built;
      });
      pending.catch(() => {
        if (loading === pending) loading = undefined;
      });
      loading = pending;
    }
    return loading;
  }

  async function decide(request: AuthorizationRequest): Promise<AuthorizationDecision> {
    const idx = current();
    return (idx instanceof AuthorizerIndex ? idx : await idx).authorize(request);
  }

  return {
    decide,
    /**
     * The index while it is built and trusted, else undefined. Every grants change drops it and the
     * next one is a new object, so a decision remembered per index object is never stale.
     */
    warm(): AuthorizerIndex | undefined {
      return trusted() ? index : undefined;
    },
    /** No ACL of this index is bound to a host: the client's address decides nothing. */
    anyHost(built: AuthorizerIndex): boolean {
      return everyHost.has(built);
    },
    /** Synchronous when the index is warm (the data plane's hot path). */
    decideNow(request: AuthorizationRequest): AuthorizationDecision | Promise<AuthorizationDecision> {
      const idx = current();
      return idx instanceof AuthorizerIndex ? idx.authorize(request) : idx.then((i) => i.authorize(request));
    },
    async can(ctx: CallContext, action: AuthzAction, crn: string, kafka?: KafkaResourceRef): Promise<boolean> {
      return (await decide({ principal: ctx.actor.principal, action, resource: { crn, kafka } })).granted;
    },
    /** Throws 403 with the authorizer's reason unless the caller may do this. */
    async require(ctx: CallContext, action: AuthzAction, crn: string, kafka?: KafkaResourceRef): Promise<AuthorizationDecision> {
      const decision = await decide({ principal: ctx.actor.principal, action, resource: { crn, kafka } });
      if (!decision.granted) throw errors.forbidden(`Forbidden: ${decision.reason}`);
      return decision;
    },
    close: unsubscribe,
  };
}

export type Authz = ReturnType<typeof createAuthz>;
