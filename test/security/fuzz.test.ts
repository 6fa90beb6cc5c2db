import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../helpers/databases.js';
import { createRuntime, type Runtime } from '../../src/server/runtime.js';
import { formatReport, runFuzz } from '../../bench/fuzz/fuzz.js';

/** Requests per dialect: the 10,000 on SQLite, fewer on the shared PostgreSQL. */
const REQUESTS = { sqlite: 10_000, postgres: 2_000 } as const;
const SEED = 8;

/**
 * Every operation of /openapi.json, fuzzed over raw TCP against a real listening server (path and
 * query parameters, headers, credentials, bodies from the schema then mutated, malformed request
 * lines and headers): no answer is >= 500, every error answer carries the documented body (RFC
 * 6749's on /oauth2/token, DESIGN §3's elsewhere), and every request is answered.
 */
describe.each(DIALECTS)('fuzzing every operation ($name)', ({ name, skip, create }) => {
  let db: TestDatabase;
  let runtime: Runtime;
  let url: string;

  beforeAll(async () => {
    if (skip) return;
    db = await create();
    runtime = await createRuntime({ ...db.options, publicUrl: 'http://127.0.0.1', bootstrap: true, lock: true });
    url = await runtime.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await runtime?.close();
    await db?.drop();
  });

  it.skipIf(skip)(`answers ${REQUESTS[name]} fuzzed requests without a 5xx and with the documented error bodies`, async () => {
    const admin = runtime.bootstrapped!;
    const report = await runFuzz({ baseUrl: url, admin: { key: admin.key, secret: admin.secret }, requests: REQUESTS[name], seed: SEED });
    console.log(formatReport(report));
    expect(report.sent).toBe(REQUESTS[name]);
    expect(report.operations).toBeGreaterThan(50);
    // handlers were reached, not only the authentication in front of them
    expect(report.byClass['2xx'] ?? 0).toBeGreaterThan(REQUESTS[name] / 20);
    expect(report.findings).toEqual([]);
  }, 240_000);
});
