import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/server/runtime.js';
import type { BootstrapResult } from '../../src/services/bootstrap.js';
import type { TestDatabase } from './databases.js';

export interface TestServer {
  runtime: Runtime;
  admin: BootstrapResult;
  db: TestDatabase;
  /** `app.inject()` with the admin's Basic credentials unless `auth` says otherwise. */
  call(options: InjectOptions & { auth?: { key: string; secret: string } | null }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export function basic(key: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${key}:${secret}`).toString('base64');
}

export async function startTestServer(db: TestDatabase, options: { clock?: () => Date; edge?: RuntimeOptions['edge']; dataPlane?: RuntimeOptions['dataPlane'] } = {}): Promise<TestServer> {
  const runtime = await createRuntime({ ...db.options, publicUrl: 'http://keyward.test', bootstrap: true, lock: true, clock: options.clock, edge: options.edge, dataPlane: options.dataPlane });
  const admin = runtime.bootstrapped as BootstrapResult;
  return {
    runtime,
    admin,
    db,
    call({ auth, ...request }) {
      const credentials = auth === undefined ? { key: admin.key, secret: admin.secret } : auth;
      const headers = { ...(request.headers ?? {}) } as Record<string, string>;
      if (credentials) headers.authorization = basic(credentials.key, credentials.secret);
      return runtime.app.inject({ ...request, headers });
    },
    async close() {
      await runtime.close();
      await db.drop();
    },
  };
}
