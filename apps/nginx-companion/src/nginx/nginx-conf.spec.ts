import { BOOTSTRAP, confFiles } from './nginx-conf';

describe('confFiles', () => {
  const files = confFiles(
    { version: 7, hash: 'sha256:ab', config: 'upstream mammoth_web { server 127.0.0.1:1 weight=1; }\n' },
    { host: '127.0.0.1', port: 18687, workerShutdownTimeout: '30s' },
  );

  it('wraps the lb-config in a main file that stamps every response with its version and bounds graceful shutdown', () => {
    expect(files['nginx.conf']).toContain('add_header X-Mammoth-Lb-Version 7 always;');
    expect(files['nginx.conf']).toContain('worker_shutdown_timeout 30s;');
    expect(files['nginx.conf']).toContain('include mammoth-lb.conf;');
    expect(files['mammoth-lb.conf']).toBe('upstream mammoth_web { server 127.0.0.1:1 weight=1; }\n');
  });

  it('listens on the one configured loopback address and port, the default server marked', () => {
    expect(files['mammoth-listen.conf']).toBe('listen 127.0.0.1:18687;\n');
    expect(files['mammoth-listen-default.conf']).toBe('listen 127.0.0.1:18687 default_server;\n');
    expect(confFiles(BOOTSTRAP, { host: '::1', port: 8088, workerShutdownTimeout: '5s' })['mammoth-listen.conf']).toBe(
      'listen [::1]:8088;\n',
    );
  });
});
