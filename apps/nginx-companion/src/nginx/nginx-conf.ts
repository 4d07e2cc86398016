import { LISTEN_DEFAULT_INCLUDE, LISTEN_INCLUDE } from '@mammoth/read-models/lb-config/render';

/** LbVersion is one lb-config version as the companion receives it. */
export interface LbVersion {
  readonly version: number;
  readonly hash: string;
  readonly config: string;
}

/** VERSION_HEADER names the response header carrying the lb-config version of the configuration that served the request. */
export const VERSION_HEADER = 'x-mammoth-lb-version';
/** UPSTREAM_HEADER names the response header carrying the endpoint nginx proxied to. */
export const UPSTREAM_HEADER = 'x-mammoth-upstream';
/** LB_FILE is where the rendered lb-config goes, included in the http block. */
export const LB_FILE = 'mammoth-lb.conf';

/** BOOTSTRAP is version 0: what nginx serves before the companion has received any configuration (503 for everything). */
export const BOOTSTRAP: LbVersion = {
  version: 0,
  hash: 'none',
  config: `# No lb-config received yet.\nserver {\n    include ${LISTEN_DEFAULT_INCLUDE};\n    location / { return 503; }\n}\n`,
};

/**
 * confFiles renders every file of one nginx configuration: the main file (process settings, proxy defaults, version headers,
 * then the lb-config), the lb-config itself, and the `listen` files the lb-config includes. Paths are relative to nginx's
 * prefix (`-p`); the files reference each other relative to their own directory, so the same set can be tested in a
 * staging directory and then moved into place.
 */
export function confFiles(
  v: LbVersion,
  opts: { host: string; port: number; workerShutdownTimeout: string },
): Record<string, string> {
  const listen = `${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`;
  const main = [
    `# Written by the Mammoth nginx companion for lb-config version ${v.version} (${v.hash}); rewritten on every change.`,
    'daemon on;',
    'master_process on;',
    'worker_processes 1;',
    'pid logs/nginx.pid;',
    'error_log logs/error.log warn;',
    // After a reload, old workers finish in-flight requests, but no longer than this.
    `worker_shutdown_timeout ${opts.workerShutdownTimeout};`,
    'events { worker_connections 1024; }',
    'http {',
    '    access_log off;',
    '    server_tokens off;',
    '    client_body_temp_path tmp/client_body;',
    '    proxy_temp_path tmp/proxy;',
    '    fastcgi_temp_path tmp/fastcgi;',
    '    uwsgi_temp_path tmp/uwsgi;',
    '    scgi_temp_path tmp/scgi;',
    '    proxy_http_version 1.1;',
    '    proxy_set_header Connection "";',
    '    proxy_set_header Host $host;',
    '    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '    proxy_connect_timeout 2s;',
    // An endpoint that is already gone when a request reaches it: try the next one rather than fail the request.
    '    proxy_next_upstream error timeout;',
    `    add_header X-Mammoth-Lb-Version ${v.version} always;`,
    '    add_header X-Mammoth-Upstream $upstream_addr always;',
    `    include ${LB_FILE};`,
    '}',
    '',
  ].join('\n');
  return {
    'nginx.conf': main,
    [LB_FILE]: v.config,
    [LISTEN_INCLUDE]: `listen ${listen};\n`,
    [LISTEN_DEFAULT_INCLUDE]: `listen ${listen} default_server;\n`,
  };
}
