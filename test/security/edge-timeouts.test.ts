import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { createSqliteDir, type TestDatabase } from '../helpers/databases.js';
import { startServerProcess, type ServerProcess } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/runtime.js';
import { CONNECTION_LIMITS } from '../../src/server/app.js';

/**
 * Issue 8 §1: a client that connects and sends nothing, or trickles its body, is disconnected in
 * bounded time, and no more than maxConnections are served at once. Short limits keep this fast;
 * the last test checks that `server start` applies the defaults.
 */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Milliseconds until the server ends this socket; rejects past `limitMs` (the test then fails). */
function closedWithin(socket: Socket, limitMs: number): Promise<{ ms: number; received: string }> {
  const started = Date.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the socket open for more than ${limitMs} ms`));
    }, limitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - started, received });
    });
  });
}

describe('slow and idle clients are disconnected (short limits)', () => {
  let server: TestServer;
  let port: number;
  const limits = { headersTimeoutMs: 600, requestTimeoutMs: 1200, keepAliveTimeoutMs: 400, idleSocketTimeoutMs: 5000, checkIntervalMs: 100, maxConnections: 20 };

  beforeAll(async () => {
    server = await startTestServer(await createSqliteDir(), { edge: { limits } });
    await server.runtime.app.listen({ host: '127.0.0.1', port: 0 });
    port = (server.runtime.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => server?.close());

  it('closes a socket that never sends a byte', async () => {
    const socket = await open(port);
    await closedWithin(socket, 5_000);
  });

  it('closes a socket that sends its headers a byte at a time', async () => {
    const socket = await open(port);
    const request = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(200);
    let i = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed && i < request.length) socket.write(request[i++] as string);
    }, 50);
    try {
      await closedWithin(socket, 5_000);
    } finally {
      clearInterval(drip);
    }
    expect(i).toBeLessThan(request.length);
  });

  it('closes a socket that trickles its body', async () => {
    const socket = await open(port);
    socket.write('POST /keyward/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
    let sent = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed) {
        socket.write(' ');
        sent++;
      }
    }, 50);
    try {
      const { received } = await closedWithin(socket, 5_000);
      // Node answers 408 before closing (or just closes): never a handler's answer
      if (received) expect(received).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(drip);
    }
    expect(sent).toBeLessThan(1000);
  });

  it('closes an idle kept-alive connection after a request', async () => {
    const socket = await open(port);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const { received } = await closedWithin(socket, 5_000);
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    expect(received).toMatch(/Keep-Alive: timeout=0/i);
  });

  it('refuses connections beyond the cap', async () => {
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < limits.maxConnections; i++) sockets.push(await open(port));
      const extra = await open(port);
      // the server drops it at once: it gets no answer to a request
      extra.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      const { received } = await closedWithin(extra, 2_000);
      expect(received).toBe('');
    } finally {
      for (const s of sockets) s.destroy();
    }
  });
});

describe('server start applies the default limits', () => {
  let db: TestDatabase;
  let keyward: ServerProcess;

  beforeAll(async () => {
    db = await createSqliteDir();
    keyward = await startServerProcess(['--data-dir', db.options.dataDir as string]);
  });
  afterAll(async () => {
    await keyward?.stop();
    await db?.drop();
  });

  it(`keep-alive ${CONNECTION_LIMITS.keepAliveTimeoutMs / 1000} s, an idle socket closed after the ${CONNECTION_LIMITS.headersTimeoutMs / 1000} s headers timeout`, async () => {
    const port = Number(new URL(keyward.url).port);
    const idle = await open(port);
    const idleClosed = closedWithin(idle, CONNECTION_LIMITS.headersTimeoutMs + CONNECTION_LIMITS.checkIntervalMs + 10_000);
    const kept = await open(port);
    kept.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const keptClosed = closedWithin(kept, CONNECTION_LIMITS.keepAliveTimeoutMs + 10_000);
    const { received } = await keptClosed;
    expect(received).toMatch(new RegExp(`Keep-Alive: timeout=${CONNECTION_LIMITS.keepAliveTimeoutMs / 1000}`, 'i'));
    const { ms } = await idleClosed;
    // closed by the headers timeout, not by the 60 s idle-socket one
    expect(ms).toBeLessThan(CONNECTION_LIMITS.idleSocketTimeoutMs);
  }, 40_000);
});
