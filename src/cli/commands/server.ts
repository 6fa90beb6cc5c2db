import type { Command } from 'commander';
import { CliError, usageError } from '../cli-error.js';
import { withOutput, printObject, notice, type Format } from '../output.js';
import { contextNameFor, hasSavedContext, saveContext } from '../config.js';
import { parseTrustedProxies } from '../../server/client-address.js';
import { DATA_PLANE_AUDIT_MODES, parseAggregateWindow, parseDataPlaneAuditMode, type DataPlaneAuditMode } from '../../services/audit/data-plane-recorder.js';

interface StartOptions {
  host: string;
  port: string;
  dataDir: string;
  databaseUrl?: string;
  publicUrl?: string;
  tokenTtl: string;
  auditDataPlane: string;
  auditAggregateWindow: string;
  trustProxy?: string;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw usageError(`invalid --port "${value}": use a number from 0 to 65535`);
  return n;
}

export function register(program: Command): void {
  const server = program.command('server').description('Run and administer a keyward server');

  server
    .command('start')
    .description('Run the server (SQLite in the data directory, or PostgreSQL with --database-url)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8090')
    .option('--data-dir <dir>', 'directory of the embedded SQLite store', process.env.KEYWARD_DATA_DIR ?? './keyward-data')
    .option('--database-url <url>', 'postgres:// URL (default: KEYWARD_DATABASE_URL)', process.env.KEYWARD_DATABASE_URL)
    .option('--public-url <url>', 'URL clients use to reach this server, the issuer of its tokens (default: http://HOST:PORT)', process.env.KEYWARD_PUBLIC_URL)
    .option('--token-ttl <seconds>', 'lifetime of OAuth access tokens', process.env.KEYWARD_TOKEN_TTL ?? '900')
    .option(
      '--audit-data-plane <mode>',
      `which data-plane authentications are audited: ${DATA_PLANE_AUDIT_MODES.join(', ')} (all: every failure, successes aggregated per window)`,
      process.env.KEYWARD_AUDIT_DATA_PLANE ?? 'all',
    )
    .option('--audit-aggregate-window <duration>', 'window of the aggregated audit events of mode all, 1s to 1h', process.env.KEYWARD_AUDIT_AGGREGATE_WINDOW ?? '60s')
    .option('--trust-proxy <cidrs>', 'CIDR[,CIDR…] of reverse proxies whose X-Forwarded-For / X-Real-IP name the client (default: KEYWARD_TRUST_PROXY; none)', process.env.KEYWARD_TRUST_PROXY)
    .action(async (options: StartOptions) => {
      const listenPort = port(options.port);
      let auditDataPlane: DataPlaneAuditMode;
      let auditAggregateWindowMs: number;
      try {
        auditDataPlane = parseDataPlaneAuditMode(options.auditDataPlane);
        auditAggregateWindowMs = parseAggregateWindow(options.auditAggregateWindow);
      } catch (error) {
        throw usageError((error as Error).message);
      }
      const tokenTtlSeconds = Number(options.tokenTtl);
      if (!Number.isInteger(tokenTtlSeconds) || tokenTtlSeconds < 30 || tokenTtlSeconds > 86_400) throw usageError(`invalid --token-ttl "${options.tokenTtl}": use a number of seconds from 30 to 86400`);
      let trustProxy: readonly string[];
      try {
        trustProxy = parseTrustedProxies(options.trustProxy).ranges;
      } catch (error) {
        throw usageError(`--trust-proxy: ${(error as Error).message}`);
      }
      const { startServer } = await import('../../server/main.js');
      await startServer({
        trustProxy,
        host: options.host,
        port: listenPort,
        dataDir: options.dataDir,
        databaseUrl: options.databaseUrl,
        publicUrl: options.publicUrl,
        tokenTtlSeconds,
        auditDataPlane,
        auditAggregateWindowMs,
        onBootstrap: (result, url) => {
          notice('keyward initialized a new store.');
          notice(`  Organization:  ${result.organization}`);
          notice(`  Environment:   ${result.environment} (default)`);
          notice(`  Admin user:    ${result.user} (admin@localhost, OrganizationAdmin)`);
          notice(`  API key:       ${result.key}`);
          notice(`  API secret:    ${result.secret}`);
          notice('Save the API key and secret. The secret is not retrievable later.');
          if (!hasSavedContext()) {
            const name = contextNameFor(url);
            saveContext(name, { url, api_key: result.key, api_secret: result.secret, environment: result.environment });
            notice(`Saved a CLI context for this key ("${name}"): keyward commands now talk to this server.`);
          }
        },
      });
    });

  withOutput(
    server
      .command('init')
      .description('Initialize an empty store: organization, default environment, admin user and its cloud key')
      .option('--data-dir <dir>', 'directory of the embedded SQLite store', './keyward-data')
      .option('--database-url <url>', 'postgres:// URL', process.env.KEYWARD_DATABASE_URL),
  ).action(async (options: { dataDir: string; databaseUrl?: string; output: Format }) => {
    const { initStore } = await import('../../server/main.js');
    const result = await initStore({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
    await printObject(result, options.output, [
      ['API Key', (r) => r.key],
      ['API Secret', (r) => r.secret],
      ['User', (r) => r.user],
      ['Organization', (r) => r.organization],
      ['Environment', (r) => r.environment],
    ]);
    notice('Save the API key and secret. The secret is not retrievable later.');
  });

  withOutput(server.command('rotate-signing-key').description('Sign OAuth tokens with a new ES256 key; the old public key stays in the JWKS until its tokens expire')).action(
    async (options: { output: Format }) => {
      const { connect } = await import('../client.js');
      const rotated = await connect().post<{ kid: string; retired: string[]; retired_keys_expire_at: string }>('/keyward/v1/signing-keys/rotate');
      await printObject(rotated, options.output, [
        ['New Key ID', (r) => r.kid],
        ['Retired', (r) => r.retired.join(', ')],
        ['Retired Keys Leave the JWKS At', (r) => r.retired_keys_expire_at, { kind: 'expiry' }],
      ]);
    },
  );

  withOutput(
    server
      .command('recover-admin')
      .description('Break-glass: a new OrganizationAdmin cloud key for admin@localhost (re-enabled or re-created if needed), shown once and audited')
      .option('--data-dir <dir>', 'directory of the embedded SQLite store (stop its server first)', process.env.KEYWARD_DATA_DIR ?? './keyward-data')
      .option('--database-url <url>', 'postgres:// URL (running servers may keep running)', process.env.KEYWARD_DATABASE_URL),
  ).action(async (options: { dataDir: string; databaseUrl?: string; output: Format }) => {
    const { recoverAdminStore } = await import('../../server/main.js');
    const result = await recoverAdminStore({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
    await printObject({ key: result.key, secret: result.secret, user: result.user }, options.output, [
      ['API Key', (r) => r.key],
      ['API Secret', (r) => r.secret],
      ['User', (r) => r.user],
    ]);
    const repaired = [result.restored.user_created && 're-created the user', result.restored.user_enabled && 're-enabled the user', result.restored.binding_created && 're-bound OrganizationAdmin'].filter(Boolean);
    notice(`Recovered OrganizationAdmin access for admin@localhost${repaired.length ? ` (${repaired.join(', ')})` : ''}; the recovery is in the audit log as iam.RecoverAdmin.`);
    notice('Save the API key and secret. The secret is not retrievable later.');
  });

  server
    .command('backup')
    .description('Consistent online backup of the SQLite store')
    .requiredOption('--out <file>', 'where to write the backup')
    .option('--data-dir <dir>', 'directory of the embedded SQLite store', './keyward-data')
    .option('--database-url <url>', 'postgres:// URL', process.env.KEYWARD_DATABASE_URL)
    .action(async (options: { out: string; dataDir: string; databaseUrl?: string }) => {
      if (options.databaseUrl) throw new CliError('This store is PostgreSQL: back it up with pg_dump');
      const { backupStore } = await import('../../server/main.js');
      const pages = await backupStore(options.dataDir, options.out);
      notice(`Backed up ${pages} pages to ${options.out}.`);
    });
}
