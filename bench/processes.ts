import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The built CLI (`dist/src/cli/main.js`) and the built baseline server, next to this file in dist/. */
export const CLI = resolve(import.meta.dirname, '../src/cli/main.js');
export const BASELINE_SERVER = resolve(import.meta.dirname, 'baseline-server.js');

/**
 * Everything the run has to undo — child processes and temporary directories — in one place, so
 * that a failure, Ctrl-C or SIGTERM leaves nothing behind.
 */
class Cleanup {
  private readonly children = new Set<ChildProcess>();
  private readonly dirs = new Set<string>();
  /** Undone after the children are stopped, before the directories go (e.g. dropping a database). */
  private readonly hooks = new Set<() => Promise<void>>();
  private installed = false;
  private running?: Promise<void>;

  /** Runs `undo` when the run ends (also on failure and on a signal); at most once. */
  onCleanup(undo: () => Promise<void>): void {
    this.hooks.add(undo);
  }

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), `keyward-bench-${prefix}-`));
    this.dirs.add(dir);
    return dir;
  }

  removeDir(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
    this.dirs.delete(dir);
  }

  track(child: ChildProcess): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
  }

  /** Stops one child: SIGTERM (the server flushes and exits), SIGKILL if it takes too long. */
  async stop(child: ChildProcess, graceMs = 10_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Stops every child, runs the hooks, removes the directories; a second call waits for the first. */
  all(): Promise<void> {
    this.running ??= this.undoAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async undoAll(): Promise<void> {
    // what the run starts meanwhile (it goes on until a signal's handler exits) is undone too
    while (this.children.size > 0) await Promise.all([...this.children].map((child) => this.stop(child)));
    for (let undo = first(this.hooks); undo; undo = first(this.hooks)) {
      this.hooks.delete(undo);
      await undo().catch((error: unknown) => console.error(`bench: cleanup failed: ${error instanceof Error ? error.message : String(error)}`));
    }
    for (const dir of [...this.dirs]) this.removeDir(dir);
  }

  /** Last resort when the process exits without running `all()`: kill and remove synchronously. */
  private now(): void {
    for (const child of this.children) child.kill('SIGKILL');
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }

  installSignalHandlers(): void {
    if (this.installed) return;
    this.installed = true;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        console.error(`\nbench: ${signal} received, stopping the servers and removing temporary files`);
        void this.all().finally(() => process.exit(130));
      });
    }
    process.once('exit', () => this.now());
  }
}

function first<T>(set: Set<T>): T | undefined {
  return set.values().next().value;
}

export const cleanup = new Cleanup();

/**
 * Runs a benchmark script's `main`: what it started is cleaned up on a signal, and when `main`
 * fails its error is printed, everything is cleaned up and the process exits 1.
 */
export function runMain(main: () => Promise<void>): void {
  cleanup.installSignalHandlers();
  main().catch(async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    await cleanup.all();
    process.exit(1);
  });
}

export interface Child {
  url: string;
  pid: number;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Spawns a node script and waits until its stderr announces the URL it listens on. */
export async function spawnListening(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, label: string): Promise<Child> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanup.track(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolveUrl(match[1] as string);
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code} before listening:\n${output}`));
    };
    child.stderr?.on('data', check);
    child.stdout?.on('data', check);
    child.once('exit', onExit);
  }).catch(async (error: unknown) => {
    await cleanup.stop(child);
    throw error;
  });
  return { url, pid: child.pid ?? 0, process: child, output: () => output, stop: () => cleanup.stop(child) };
}

export interface KeywardServer extends Child {
  home: string;
  /** The bootstrap admin's cloud key, when this start initialised the store. */
  admin?: { key: string; secret: string };
}

/**
 * `keyward server start --port 0 --data-dir DIR …` as a child process on a free loopback port;
 * `env` adds to its (otherwise minimal) environment, e.g. KEYWARD_AUDIT_KEY_FILE.
 */
export async function startKeyward(dataDir: string, extraArgs: string[] = [], extraEnv: Record<string, string> = {}): Promise<KeywardServer> {
  const home = cleanup.tempDir('home');
  const env = { PATH: process.env.PATH, KEYWARD_HOME: home, KEYWARD_LOG_LEVEL: 'warn', ...extraEnv };
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (not allowed in NODE_OPTIONS)
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = await spawnListening([...nodeArgs, CLI, 'server', 'start', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...extraArgs], env, /keyward listening on (http:\/\/\S+)/, 'keyward server');
  const key = /API key:\s+([A-Z0-9]{16})/.exec(child.output())?.[1];
  const secret = /API secret:\s+(kw_[0-9A-Za-z]{61})/.exec(child.output())?.[1];
  return { ...child, home, ...(key && secret ? { admin: { key, secret } } : {}) };
}

export async function startBaseline(): Promise<Child> {
  return spawnListening([BASELINE_SERVER], { PATH: process.env.PATH }, /baseline listening on (http:\/\/\S+)/, 'baseline server');
}

/** Runs the built CLI to completion (init, backup) and returns its stdout. */
export function runCli(args: string[], home: string): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, KEYWARD_HOME: home }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`keyward ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolveRun(stdout);
    });
  });
}

/** CPU time (user + system, in seconds) a process has used so far; undefined off Linux. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the parenthesised command name; utime and stime are the 14th and 15th fields
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine so far (all cores); undefined off Linux. */
export function machineCpuSeconds(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: (total - idle) / 100, total: total / 100 };
  } catch {
    return undefined;
  }
}
