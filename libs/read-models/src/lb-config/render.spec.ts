import { contentHash, renderNginx } from './render';

describe('renderNginx', () => {
  it('renders an upstream per app with endpoints, path routes on the default server and a Host server per app', () => {
    const config = renderNginx([
      { app: 'idle', servers: [] },
      {
        app: 'web',
        servers: [
          { host: '127.0.0.1', port: 32200, weight: 1 },
          { host: '10.0.0.2', port: 32201, weight: 3 },
        ],
      },
    ]);
    expect(config).toBe(
      [
        '# Mammoth lb-config, rendered from the event log; the nginx companion rewrites it. Include it inside `http { }`.',
        '# 2 app(s). Route by Host (<app>[.<ns>] or <app>[.<ns>].mammoth) or by path prefix /apps/[<ns>/]<app>/ (stripped).',
        '',
        'upstream mammoth_web {',
        '    server 127.0.0.1:32200 weight=1;',
        '    server 10.0.0.2:32201 weight=3;',
        '}',
        '',
        'server {',
        '    include mammoth-listen-default.conf;',
        '    server_name _;',
        '    location = /apps/idle { return 308 /apps/idle/$is_args$args; }',
        '    location /apps/idle/ { return 503; }',
        '    location = /apps/web { return 308 /apps/web/$is_args$args; }',
        '    location /apps/web/ { proxy_pass http://mammoth_web/; }',
        '    location / { return 404; }',
        '}',
        '',
        'server {',
        '    include mammoth-listen.conf;',
        '    server_name idle idle.mammoth;',
        '    location / { return 503; }',
        '}',
        '',
        'server {',
        '    include mammoth-listen.conf;',
        '    server_name web web.mammoth;',
        '    location / { proxy_pass http://mammoth_web; }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('routes an app in a namespace by Host <app>.<ns> and by /apps/<ns>/<app>/', () => {
    const config = renderNginx([{ app: 'team-a/web', servers: [{ host: '127.0.0.1', port: 32200, weight: 1 }] }]);
    expect(config).toContain('upstream mammoth_team-a_web {\n    server 127.0.0.1:32200 weight=1;\n}');
    expect(config).toContain('    location /apps/team-a/web/ { proxy_pass http://mammoth_team-a_web/; }');
    expect(config).toContain('    server_name web.team-a web.team-a.mammoth;');
    expect(renderNginx([{ app: 'a/b/c', servers: [] }])).not.toContain('a/b/c');
  });

  it('with no app, routes nothing: every request is a 404', () => {
    expect(renderNginx([])).toContain('server_name _;\n    location / { return 404; }\n}');
    expect(renderNginx([])).not.toContain('upstream');
  });

  it.each([
    [
      'an app name that is not a DNS label',
      [{ app: 'evil; include /etc/passwd', servers: [{ host: '127.0.0.1', port: 1, weight: 1 }] }],
      'evil',
    ],
    [
      'a host with nginx syntax in it',
      [{ app: 'web', servers: [{ host: '127.0.0.1; return 200', port: 1, weight: 1 }] }],
      'return 200',
    ],
    ['a weight below 1', [{ app: 'web', servers: [{ host: '127.0.0.1', port: 1, weight: 0 }] }], 'weight=0'],
  ])('leaves out %s instead of escaping it into a directive', (_what, upstreams, absent) => {
    expect(renderNginx(upstreams)).not.toContain(absent);
  });

  it('brackets IPv6 endpoints', () => {
    expect(renderNginx([{ app: 'web', servers: [{ host: '::1', port: 8080, weight: 1 }] }])).toContain(
      'server [::1]:8080 weight=1;',
    );
  });
});

describe('contentHash', () => {
  it('is the sha256 of the configuration, and differs when one byte does', () => {
    expect(contentHash('')).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(contentHash(renderNginx([{ app: 'a', servers: [] }]))).not.toBe(
      contentHash(renderNginx([{ app: 'b', servers: [] }])),
    );
  });
});
