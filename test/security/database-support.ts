import { execFile, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, startServerProcess } from '../helpers/cli.js';

/** A real `keyward server start` process; `alive()` tells whether it is still running. */
export interface Instance {
  url: string;
  child: ChildProcess;
  output: () => string;
  alive: () => boolean;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A server of the fault tests: they share one KEYWARD_HOME and log only errors. */
export async function spawnServer(storeArgs: string[], home: string): Promise<Instance> {
  const server = await startServerProcess(storeArgs, { KEYWARD_LOG_LEVEL: 'error' }, { home });
  return { url: server.url, child: server.child, output: server.stderr, alive: server.alive, stop: server.stop };
}

export function runCliJson<T>(args: string[], home: string): Promise<T> {
  return new Promise((resolveRun, reject) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, KEYWARD_HOME: home }, timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${args.join(' ')} failed: ${stderr}`));
      else resolveRun(JSON.parse(stdout) as T);
    });
  });
}

export const basic = (key: string, secret: string) => 'Basic ' + Buffer.from(`${key}:${secret}`).toString('base64');

export interface Answer {
  status: number;
  body: unknown;
}

/** One HTTP exchange; a transport failure is an answer too (status 0), never an exception. */
export async function call(url: string, method: string, body?: unknown, auth?: string): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(auth ? { authorization: auth } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: kept as text, and judged wrong by isUnavailableBody
    }
    return { status: response.status, body: parsed };
  } catch (error) {
    return { status: 0, body: String(error) };
  }
}

/** The 503 of an outage: the documented error body, no driver message. */
export function isUnavailableBody(answer: Answer): boolean {
  if (answer.status !== 503) return false;
  const entry = (answer.body as { errors?: Array<{ code?: string; status?: string; detail?: string }> } | undefined)?.errors?.[0];
  return entry?.code === 'service_unavailable' && entry.status === '503' && typeof entry.detail === 'string' && !/ECONN|terminat|57P0|pg_|select /i.test(entry.detail);
}

/** PostgreSQL's server binaries (initdb, pg_ctl) of the newest installed major version, if any. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolveRun) => {
    execFile(command, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      resolveRun({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr });
    });
  });
}

/**
 * A PostgreSQL cluster of its own for one test, in a temporary directory, on a free loopback port,
 * run as the `postgres` OS user. Never the machine's cluster: this one can be stopped and started.
 */
export class PrivateCluster {
  readonly dir: string;
  readonly data: string;
  port = 0;

  constructor(private readonly bin: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'keyward-pg-'));
    this.data = join(this.dir, 'data');
  }

  private asPostgres(tool: string, args: string[]) {
    const uid = process.getuid?.();
    return uid === 0 ? run('runuser', ['-u', 'postgres', '--', join(this.bin, tool), ...args]) : run(join(this.bin, tool), args);
  }

  async init(): Promise<void> {
    if (process.getuid?.() === 0) {
      const { uid, gid } = await new Promise<{ uid: number; gid: number }>((resolveIds, reject) =>
        execFile('id', ['-u', 'postgres'], (e1, u) => (e1 ? reject(e1) : execFile('id', ['-g', 'postgres'], (e2, g) => (e2 ? reject(e2) : resolveIds({ uid: Number(u), gid: Number(g) }))))),
      );
      chownSync(this.dir, uid, gid);
    }
    chmodSync(this.dir, 0o700);
    const init = await this.asPostgres('initdb', ['-D', this.data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    if (init.code !== 0) throw new Error(`initdb failed: ${init.output}`);
    this.port = await freePort();
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
    const started = await this.asPostgres('pg_ctl', ['-D', this.data, '-l', join(this.dir, 'log'), '-o', options, '-w', '-t', '20', 'start']);
    if (started.code !== 0) throw new Error(`pg_ctl start failed: ${started.output}`);
  }

  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.asPostgres('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '20', 'stop']);
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async destroy(): Promise<void> {
    if (existsSync(join(this.data, 'postmaster.pid'))) await this.stop('immediate');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
