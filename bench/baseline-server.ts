/**
 * The benchmark's baseline: a bare Fastify app (the same Fastify as keyward, no logger, no hooks)
 * on a free loopback port, in its own process like the keyward server. What keyward does on top of
 * HTTP + Fastify shows as its ratio to these routes.
 *
 * - `GET /baseline` returns constant JSON: the shape of `GET /keyward/v1/auth/basic`.
 * - `POST /baseline` parses and validates a JSON body shaped like verify's (`{key, secret, resource}`)
 *   and returns constant JSON of about the size of a verify answer: the shape of `POST /keyward/v1/verify`.
 *
 * It prints `baseline listening on http://127.0.0.1:PORT` on stderr and stops on SIGTERM/SIGINT.
 */
import Fastify from 'fastify';

const GET_ANSWER = { ok: true, service: 'baseline' };
const POST_ANSWER = {
  valid: true,
  code: 'VALID',
  key: 'BASELINE00000000',
  principal: 'User:sa-baseline',
  owner: { id: 'sa-baseline', kind: 'ServiceAccount' },
  resource: { id: 'lkc-baseline', type: 'kafka', environment: 'env-baseline' },
  expires_at: null,
};

const VerifyLikeBody = {
  type: 'object',
  properties: {
    key: { type: 'string', minLength: 1, maxLength: 64 },
    secret: { type: 'string', minLength: 1, maxLength: 256 },
    resource: { type: 'string', minLength: 1, maxLength: 32 },
  },
  required: ['key', 'secret'],
  additionalProperties: false,
} as const;

const app = Fastify({ logger: false });
app.get('/baseline', async () => GET_ANSWER);
app.post('/baseline', { schema: { body: VerifyLikeBody } }, async () => POST_ANSWER);

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stderr.write(`baseline listening on ${address}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().finally(() => process.exit(0));
  });
}
