import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services/index.js';
import type { Presenters } from '../presenters.js';
import type { HealthRegistry } from '../health.js';

export interface RouteDeps {
  services: Services;
  present: Presenters;
  /** preHandler that authenticates a management request. */
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Whether the console's session cookie is `Secure` (the public URL is https). */
  secureCookies: boolean;
  /** Failing components `/readyz` reports (absent: only the database probe). */
  health?: HealthRegistry;
}

export function pageQuery(query: { page_size?: string; page_token?: string }) {
  return { pageSize: query.page_size === undefined ? undefined : Number(query.page_size), pageToken: query.page_token };
}

/** A management route takes HTTP Basic with a cloud key, or the console's session cookie. */
export const security: Array<Record<string, string[]>> = [{ basicAuth: [] }, { sessionCookie: [] }];
