import type { FastifyReply } from 'fastify';

/** DELETE answers 204; what else went with the deleted object is reported in this header. */
export const DELETED_HEADER = 'X-Keyward-Deleted';

export function reportDeleted(reply: FastifyReply, counts: object): void {
  reply.header(DELETED_HEADER, Object.entries(counts).map(([k, v]) => `${k}=${String(v)}`).join(', '));
}
