import { connect, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteDir, type TestDatabase } from '../helpers/databases.js';
import { startServerProcess, type ServerProcess } from '../helpers/cli.js';
import { freePort } from '../helpers/kafka-broker.js';

/**
 * A restart while clients keep knocking (Kafka brokers retrying their replica stream): the port is held
 * while the store opens, and a connection accepted then must not hold the start until that client
 * gives up. Here the clients never give up: they connect every 20 ms and never send a byte.
 */
describe('keyward starts while clients keep connecting to its port', () => {
  let db: TestDatabase;
  let server: ServerProcess | undefined;
  const sockets: Socket[] = [];
  let knocking: NodeJS.Timeout | undefined;

  afterAll(async () => {
    clearInterval(knocking);
    for (const socket of sockets) socket.destroy();
    await server?.stop();
    await db?.drop();
  });

  it('listens within seconds', async () => {
    db = await createSqliteDir();
    const port = await freePort();
    knocking = setInterval(() => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('error', () => undefined);
      sockets.push(socket);
    }, 20);
    const started = Date.now();
    server = await startServerProcess(['--data-dir', db.options.dataDir as string, '--port', String(port)], {}, { startTimeoutMs: 15_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    clearInterval(knocking);
    const health = await fetch(`${server.url}/keyward/v1/health`).catch(() => fetch(server!.url));
    expect(health.status).toBeLessThan(500);
  }, 30_000);
});
