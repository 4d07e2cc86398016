import { join } from 'node:path';
import { ConfigError } from '@mammoth/platform';
import { loadConfig } from './config';

describe('the nginx companion config', () => {
  it('defaults to the local control plane, nginx on 127.0.0.1:8088 and health on 127.0.0.1:8083', () => {
    expect(loadConfig({})).toEqual({
      controlPlaneUrls: ['http://127.0.0.1:8080'],
      token: null,
      listenHost: '127.0.0.1',
      listenPort: 8088,
      runDir: join(process.cwd(), '.run', 'nginx-companion'),
      nginxBin: '/usr/sbin/nginx',
      workerShutdownTimeout: '30s',
      stopNginxOnExit: false,
      logging: { level: 'info' },
      health: { host: '127.0.0.1', port: 8083 },
      targets: null,
    });
  });

  it('keeps a Prometheus file_sd file when told where', () => {
    expect(
      loadConfig({ PROMETHEUS_TARGETS_FILE: '/tmp/t.json', PROMETHEUS_TARGETS_INTERVAL_MS: '2000' }).targets,
    ).toEqual({
      file: '/tmp/t.json',
      intervalMs: 2000,
    });
    expect(() => loadConfig({ PROMETHEUS_TARGETS_INTERVAL_MS: '10' })).toThrow(/PROMETHEUS_TARGETS_INTERVAL_MS/);
  });

  it('reads a comma-separated list of control planes, trailing slashes dropped', () => {
    expect(loadConfig({ CONTROL_PLANE_URL: 'http://10.0.0.11:8080/, http://10.0.0.12:8080' }).controlPlaneUrls).toEqual(
      ['http://10.0.0.11:8080', 'http://10.0.0.12:8080'],
    );
  });

  it.each([
    [{ NGINX_LISTEN_PORT: 'abc' }, /NGINX_LISTEN_PORT/],
    [{ NGINX_LISTEN_PORT: '0' }, /NGINX_LISTEN_PORT: must be a port from 1 to 65535/],
    [{ NGINX_WORKER_SHUTDOWN_TIMEOUT: 'forever' }, /NGINX_WORKER_SHUTDOWN_TIMEOUT/],
    [{ CONTROL_PLANE_URL: 'nowhere' }, /CONTROL_PLANE_URL/],
    [{ CONTROL_PLANE_URL: 'http://10.0.0.11:8080,nope' }, /CONTROL_PLANE_URL: a comma-separated list of URLs/],
    [{ HEALTH_HOST: 'any' }, /HEALTH_HOST/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
