import { readFileSync } from 'node:fs';

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
