import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const nginxInstalled = spawnSync('nginx', ['-v']).status === 0;

/** The configuration the README shows, with this test's ports and paths. */
export function nginxConfig(dir: string, port: number, keyward: string, upstream: string, resource: string): string {
  return readFileSync(new URL('../../docs/nginx-auth-request.conf', import.meta.url), 'utf8')
    .replaceAll('KEYWARD_URL', keyward)
    .replaceAll('UPSTREAM_URL', upstream)
    .replaceAll('LKC_ID', resource)
    .replace('listen 8080;', `listen 127.0.0.1:${port};`)
    .replace('# TEST_PREAMBLE', `daemon off; master_process off; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;`)
    .replace('# TEST_HTTP_PREAMBLE', `access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;`);
}

export interface NginxProcess {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Runs Debian's nginx with the README's configuration on a free loopback port, until `stop()`. */
export async function startNginx(keyward: string, upstream: string, resource: string): Promise<NginxProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-nginx-'));
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port, keyward, upstream, resource));
  const nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    port,
    async stop() {
      nginx.kill('SIGQUIT');
      await new Promise((r) => (nginx.exitCode === null ? nginx.once('exit', r) : r(null)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
