import { errors } from '../domain/errors.js';
import { buildCrn, organizationCrn } from '../domain/crn.js';
import { environmentsRepo, type EnvironmentRow } from '../store/repositories/environments.js';
import { clustersRepo } from '../store/repositories/clusters.js';
import { roleBindingsRepo } from '../store/repositories/grants.js';
import { settingsRepo } from '../store/repositories/settings.js';
import { applyChange } from './change.js';
import { nowIso, type CallContext, type ServiceDeps } from './context.js';
import { decodePage, visiblePage, type PageRequest, type PageResult } from './pagination.js';
import { requireOneOf, requireText } from './validation.js';
import { drawId, freshId } from './fresh-id.js';
import { visibleOrNotFound } from './access.js';

import { DEFAULT_STAGE, STAGES, type Stage } from '../contract/enums.js';

const PRODUCTION: Stage = 'production';
export const DEFAULT_ENVIRONMENT_SETTING = 'default_environment';

export type Environment = EnvironmentRow;

export function createEnvironmentService(deps: Pick<ServiceDeps, 'db' | 'clock' | 'authz' | 'organizationId' | 'audit' | 'changes'>) {
  const crn = (id: string) => buildCrn({ organization: deps.organizationId, environment: id });

  async function find(id: string): Promise<Environment> {
    const row = await environmentsRepo.find(deps.db, id);
    if (!row) throw errors.notFound('Environment', id);
    return row;
  }

  /** The environment, if the caller may read it; otherwise 404, as for an id that does not exist. */
  async function get(ctx: CallContext, id: string): Promise<Environment> {
    return visibleOrNotFound(await environmentsRepo.find(deps.db, id), () => deps.authz.can(ctx, 'environment:read', crn(id)), 'Environment', id);
  }

  return {
    crn,
    get,
    async defaultEnvironmentId(): Promise<string> {
      const id = await settingsRepo.get(deps.db, DEFAULT_ENVIRONMENT_SETTING);
      if (!id) throw errors.invalid('No default environment is configured; pass an environment id');
      return id;
    },
    /** The environments the caller may read. */
    async list(ctx: CallContext, page: PageRequest): Promise<PageResult<Environment>> {
      const p = decodePage(page);
      const rows = await environmentsRepo.all(deps.db);
      return visiblePage(rows, (row) => deps.authz.can(ctx, 'environment:read', crn(row.id)), p);
    },
    async create(ctx: CallContext, input: { name: unknown; stage?: unknown }): Promise<Environment> {
      await deps.authz.require(ctx, 'environment:manage', organizationCrn(deps.organizationId));
      const name = requireText(input.name, 'display_name', 64);
      const stage = input.stage === undefined ? DEFAULT_STAGE : requireOneOf(input.stage, 'stage', STAGES);
      const now = nowIso(deps.clock);
      return applyChange(deps, ctx, async ({ trx, audit }) => {
        const id = await freshId((candidate) => environmentsRepo.find(trx, candidate), drawId('environment'));
        const row = { id, name, stage, created_at: now, updated_at: now };
        await environmentsRepo.insert(trx, row);
        audit({ method: 'org.CreateEnvironment', subject: crn(row.id), details: { id: row.id, display_name: name, stage } });
        return row;
      });
    },
    async update(ctx: CallContext, id: string, input: { name?: unknown; stage?: unknown }): Promise<Environment> {
      const current = await get(ctx, id);
      await deps.authz.require(ctx, 'environment:manage', crn(id));
      const patch: { name?: string; stage?: string } = {};
      if (input.name !== undefined) patch.name = requireText(input.name, 'display_name', 64);
      if (input.stage !== undefined) patch.stage = requireOneOf(input.stage, 'stage', STAGES);
      if (Object.keys(patch).length === 0) throw errors.invalid('Nothing to update: give a display_name or a stage');
      // Leaving production lifts its policy (no user keys there): the organization's environment
      // managers decide that, not the environment's own administrators.
      if (current.stage === PRODUCTION && patch.stage !== undefined && patch.stage !== PRODUCTION) {
        await deps.authz.require(ctx, 'environment:manage', organizationCrn(deps.organizationId));
      }
      await applyChange(deps, ctx, async ({ trx, audit }) => {
        await environmentsRepo.update(trx, id, { ...patch, updated_at: nowIso(deps.clock) });
        audit({ method: 'org.UpdateEnvironment', subject: crn(id), details: { id, ...patch } });
      });
      return find(id);
    },
    async delete(ctx: CallContext, id: string): Promise<void> {
      await get(ctx, id);
      await deps.authz.require(ctx, 'environment:manage', crn(id));
      await applyChange(deps, ctx, async ({ trx, audit, changed }) => {
        const clusters = await clustersRepo.countInEnvironment(trx, id);
        if (clusters > 0) {
          throw errors.invalid(`Environment "${id}" still holds ${clusters} cluster(s); delete them first`);
        }
        if ((await settingsRepo.get(trx, DEFAULT_ENVIRONMENT_SETTING)) === id) {
          throw errors.invalid(`Environment "${id}" is the default environment and cannot be deleted`);
        }
        // bindings on the environment go with it (its clusters, and their bindings, are gone already)
        if ((await roleBindingsRepo.deleteUnder(trx, crn(id))) > 0) changed({ kind: 'grants' });
        await environmentsRepo.delete(trx, id);
        audit({ method: 'org.DeleteEnvironment', subject: crn(id), details: { id } });
      });
    },
  };
}

export type EnvironmentService = ReturnType<typeof createEnvironmentService>;
