import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleAsset, ConsoleBuild } from '../console-assets.js';
import { sendError } from '../errors.js';

/**
 * The console's page may load only its own files and talk only to this server; it may not be framed
 * (clickjacking) and sends no referrer. Scripts and styles come from /console/assets/ alone.
 */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const HIDDEN = { schema: { hide: true } } as const;

function send(request: FastifyRequest, reply: FastifyReply, asset: ConsoleAsset) {
  reply.headers(CONSOLE_SECURITY_HEADERS);
  reply.header('Content-Type', asset.contentType);
  reply.header('ETag', asset.etag);
  // The page itself is always asked again (it names the current build's files); hashed files never change.
  reply.header('Cache-Control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.send(asset.body);
}

/** A path under /console/ that names no file is a page of the console (its router shows it). */
function isPagePath(path: string): boolean {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !last.includes('.');
}

/** `/` and `/console` lead to the console; `/console/…` serves its files, and its page for every page path. */
export async function consoleRoutes(app: FastifyInstance, build: ConsoleBuild | undefined): Promise<void> {
  app.get('/', HIDDEN, async (_request, reply) => reply.redirect('/console/', 302));
  app.get('/console', HIDDEN, async (_request, reply) => reply.redirect('/console/', 302));
  app.get('/console/*', HIDDEN, async (request, reply) => {
    if (build === undefined) return sendError(request, reply, 'service_unavailable', 'The console is not built: run npm run build');
    const path = (request.params as { '*': string })['*'];
    const asset = build.files.get(path === '' ? 'index.html' : path);
    if (asset !== undefined) return send(request, reply, asset);
    if (isPagePath(path)) return send(request, reply, build.index);
    return sendError(request, reply, 'not_found', 'No such file in the console');
  });
}
