import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CLI = resolve(import.meta.dirname, '../../dist/src/cli/main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `keyward` binary (the built CLI) with its own KEYWARD_HOME. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
      resolvePromise({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

export interface ServerProcess {
  url: string;
  home: string;
  key: string;
  secret: string;
  stderr: () => string;
  env: NodeJS.ProcessEnv;
  child: ChildProcess;
  /** Still running (neither exited nor killed by a signal)? */
  alive: () => boolean;
  stop(): Promise<void>;
}

/**
 * Starts `keyward server start` as a real process on a free port and waits until it listens. With
 * `home`, several servers share one KEYWARD_HOME (left in place on stop); else each gets its own.
 */
export async function startServerProcess(storeArgs: string[], extraEnv: NodeJS.ProcessEnv = {}, options: { home?: string; startTimeoutMs?: number } = {}): Promise<ServerProcess> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'keyward-home-'));
  const env = { PATH: process.env.PATH, KEYWARD_HOME: home, KEYWARD_LOG_LEVEL: 'warn', ...extraEnv };
  const child: ChildProcess = spawn(process.execPath, [CLI, 'server', 'start', '--port', '0', ...storeArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${err}`));
    }, options.startTimeoutMs ?? 20_000);
    const check = () => {
      const match = /keyward listening on (http:\/\/[^\s]+)/.exec(err);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1] as string);
      }
    };
    child.stderr?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err}`));
    });
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const key = /API key:\s+([A-Z0-9]{16})/.exec(err)?.[1] ?? '';
  const secret = /API secret:\s+(kw_[0-9A-Za-z]{61})/.exec(err)?.[1] ?? '';
  return {
    url,
    home,
    key,
    secret,
    env,
    stderr: () => err + out,
    child,
    alive,
    async stop() {
      if (alive()) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.home) rmSync(home, { recursive: true, force: true });
    },
  };
}
