import { createHash } from 'node:crypto';
import { checkAppName, splitAppName } from '@mammoth/domain';
import { Upstream } from './lb-model';

/** LISTEN_INCLUDE and LISTEN_DEFAULT_INCLUDE are the files each nginx companion writes with its own `listen` directives. */
export const LISTEN_INCLUDE = 'mammoth-listen.conf';
export const LISTEN_DEFAULT_INCLUDE = 'mammoth-listen-default.conf';

const HOSTNAME = /^[A-Za-z0-9]([-A-Za-z0-9.]{0,251}[A-Za-z0-9])?$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/**
 * renderNginx renders the routing part of nginx's configuration, to be included in its `http` block: one upstream per app
 * with running endpoints, a default server that routes `/apps/<app>/` (prefix stripped; `/apps/<ns>/<app>/` for an app in a
 * namespace) and answers 404 for anything else, and one server per app selected by `Host: <app>` or `<app>.mammoth`
 * (`<app>.<ns>` or `<app>.<ns>.mammoth` in a namespace). An app with no running endpoint answers 503; a removed app is
 * absent, so it answers 404. The output depends only on its input (sorted, no clock, no port), so equal routing renders
 * equal bytes. Names go into the file only if they are app names (DNS labels, `ns/name`) and hosts only if they are host
 * names or IP addresses (the catalogue's validation guarantees it; anything else is left out, never escaped into a
 * directive).
 */
export function renderNginx(upstreams: readonly Upstream[]): string {
  const apps = upstreams
    .filter((u) => checkAppName('app', u.app) === null)
    .map((u) => ({ app: u.app, servers: u.servers.map(server).filter((s): s is string => s !== null) }));
  const out: string[] = [
    '# Mammoth lb-config, rendered from the event log; the nginx companion rewrites it. Include it inside `http { }`.',
    `# ${apps.length} app(s). Route by Host (<app>[.<ns>] or <app>[.<ns>].mammoth) or by path prefix /apps/[<ns>/]<app>/ (stripped).`,
    '',
  ];
  for (const { app, servers } of apps) {
    if (servers.length === 0) continue;
    out.push(`upstream ${upstreamName(app)} {`, ...servers.map((s) => `    ${s}`), '}', '');
  }
  out.push('server {', `    include ${LISTEN_DEFAULT_INCLUDE};`, '    server_name _;');
  for (const { app, servers } of apps) {
    out.push(`    location = /apps/${app} { return 308 /apps/${app}/$is_args$args; }`);
    out.push(
      `    location /apps/${app}/ { ${servers.length ? `proxy_pass http://${upstreamName(app)}/;` : 'return 503;'} }`,
    );
  }
  out.push('    location / { return 404; }', '}', '');
  for (const { app, servers } of apps) {
    out.push('server {', `    include ${LISTEN_INCLUDE};`, `    server_name ${hostNames(app).join(' ')};`);
    out.push(
      `    location / { ${servers.length ? `proxy_pass http://${upstreamName(app)};` : 'return 503;'} }`,
      '}',
      '',
    );
  }
  return out.join('\n');
}

/** contentHash is the configuration's sha256, as `sha256:<hex>`. */
export function contentHash(config: string): string {
  return `sha256:${createHash('sha256').update(config, 'utf8').digest('hex')}`;
}

/** upstreamName is the nginx upstream of an app: `mammoth_<app>`, or `mammoth_<ns>_<app>` (labels hold no '_'). */
export function upstreamName(app: string): string {
  return `mammoth_${app.replace('/', '_')}`;
}

/** hostNames are the Host headers that reach an app: `web` and `web.mammoth`, or `web.team-a` and `web.team-a.mammoth`. */
export function hostNames(app: string): string[] {
  const { namespace, name } = splitAppName(app);
  const host = app.includes('/') ? `${name}.${namespace}` : name;
  return [host, `${host}.mammoth`];
}

function server(s: { host: string; port: number; weight: number }): string | null {
  if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535 || !Number.isInteger(s.weight) || s.weight < 1)
    return null;
  const host = HOSTNAME.test(s.host) ? s.host : s.host.includes(':') && IPV6.test(s.host) ? `[${s.host}]` : null;
  return host === null ? null : `server ${host}:${s.port} weight=${s.weight};`;
}
