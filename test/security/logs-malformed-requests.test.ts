import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDir, type TestDatabase } from '../helpers/databases.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/cli.js';
import { hashSecret } from '../../src/domain/secrets.js';

/** Writes raw bytes on a fresh connection, half-closes, and waits until the server closes it. */
function sendRaw(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(text, 'latin1'));
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', () => undefined);
  });
}

/**
 * At `trace`, Fastify's default client-error handler logged the raw packet of a malformed request,
 * Authorization header and body included. Every malformed shape here carries a real secret; the
 * log must hold neither the secret, nor its SHA-256, nor the base64 of `key:secret`.
 */
describe('no log level writes a credential from a malformed request', () => {
  let db: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    db = await createSqliteDir();
    server = await startServerProcess(['--data-dir', db.options.dataDir as string], { KEYWARD_LOG_LEVEL: 'trace' });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('keeps the secret, its hash and its Basic encoding out of the trace log', async () => {
    const kw = (...args: string[]) => runCli(args, server.env);
    const lkc = JSON.parse((await kw('kafka', 'cluster', 'create', 'c', '--cloud', 'aws', '--region', 'r', '-o', 'json')).stdout).id as string;
    const sa = JSON.parse((await kw('iam', 'service-account', 'create', 'logs-raw', '--description', 'd', '-o', 'json')).stdout).id as string;
    const { key, secret } = JSON.parse((await kw('api-key', 'create', '--resource', lkc, '--service-account', sa, '-o', 'json')).stdout) as { key: string; secret: string };
    const encoded = Buffer.from(`${key}:${secret}`).toString('base64');
    const host = new URL(server.url).host;
    const auth = `Authorization: Basic ${encoded}`;
    const form = `grant_type=client_credentials&client_id=${key}&client_secret=${secret}`;
    const answers = await Promise.all(
      [
        `FOO /iam/v2/api-keys HTTP/1.1\r\nHost: ${host}\r\n${auth}\r\n\r\n`,
        `GET /iam/v2/api-keys HTTP/1.1\r\nHost: ${host}\r\n${auth}\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
        `GET /iam/v2/api-keys HTTP/1.1\r\nHost: ${host}\r\n${auth}\r\nbroken header line\r\n\r\n`,
        `GET /iam/v2/api-keys?client_secret=${secret} HTTP/9.9\r\nHost: ${host}\r\n${auth}\r\n\r\n`,
        `POST /oauth2/token HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n${form}`,
        `POST /oauth2/token HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n${form}\r\n0\r\n\r\n`,
        `POST /keyward/v1/verify HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{"key":"${key}","secret":"${secret}"`,
        `POST /oauth2/token HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(JSON.stringify({ client_secret: secret }))}\r\nConnection: close\r\n\r\n${JSON.stringify({ client_secret: secret })}`,
        `POST /iam/v2/service-accounts HTTP/1.1\r\nHost: ${host}\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: 20\r\nConnection: close\r\n\r\n{"display_name":"${secret}`,
        `GET /keyward/v1/auth/basic?resource=${lkc}&secret=${secret} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Basic ${Buffer.from(`${key}:${secret}x`).toString('base64')}\r\nConnection: close\r\n\r\n`,
        `GET /iam/v2/api-keys HTTP/1.1\r\n${auth}\r\nConnection: close\r\n\r\n`,
        `CONNECT ${host} HTTP/1.1\r\nHost: ${host}\r\n${auth}\r\n\r\n`,
        `\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03${auth}`,
      ].map((request) => sendRaw(server.url, request)),
    );
    // every one was answered, and with a status line
    for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 [1-5]\d\d /);
    await new Promise((r) => setTimeout(r, 1000));

    const log = server.stderr();
    // the verbose levels really are on: the parser errors were logged, by their code only
    expect(log).toMatch(/"level":20,[^\n]*"msg":"client error"/);
    // pino writes a Buffer (Node's rawPacket) as an array of bytes: decode those too
    const buffers = [...log.matchAll(/"data":\[([0-9,]+)\]/g)].map((m) => Buffer.from(m[1]!.split(',').map(Number)).toString('latin1'));
    for (const needle of [secret, hashSecret(secret), encoded, encodeURIComponent(secret)]) {
      expect(log).not.toContain(needle);
      for (const decoded of buffers) expect(decoded).not.toContain(needle);
    }
    expect(log).not.toContain('rawPacket');
    expect(log).not.toMatch(/Basic [A-Za-z0-9+/=]{20,}/);
  });
});
