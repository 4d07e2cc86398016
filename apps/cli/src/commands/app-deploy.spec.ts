import { UsageError } from '../errors';
import { deployInput, DeployFlags } from './app-deploy';

const flags = (over: Partial<DeployFlags> = {}): DeployFlags => ({
  package: 'hello',
  instances: 2,
  cpus: 0.25,
  memory: 64,
  disk: 0,
  ...over,
});

describe('app deploy flags', () => {
  it('map one to one onto deployApp input', () => {
    expect(
      deployInput(
        'web',
        flags({
          version: '2',
          env: [{ name: 'A', value: '1' }],
          strategy: 'binpack',
          constraint: [{ kind: 'unique' }],
          maxRestarts: 3,
          restartWindow: 60000,
        }),
      ),
    ).toEqual({
      name: 'web',
      package: 'hello',
      version: '2',
      instances: 2,
      cpus: 0.25,
      memoryMiB: 64,
      diskMiB: 0,
      env: [{ name: 'A', value: '1' }],
      strategy: 'binpack',
      constraints: [{ kind: 'unique' }],
      healthCheck: undefined,
      maxRestarts: 3,
      restartWindowMs: 60000,
    });
  });

  it('build each kind of health check with its timings', () => {
    expect(deployInput('web', flags({ healthHttp: '/healthz', healthInterval: 2000 })).healthCheck).toMatchObject({
      kind: 'HTTP',
      path: '/healthz',
      intervalMs: 2000,
    });
    expect(deployInput('web', flags({ healthTcp: true })).healthCheck).toMatchObject({ kind: 'TCP' });
    expect(deployInput('web', flags({ healthCommand: 'test -f /ready' })).healthCheck).toMatchObject({
      kind: 'COMMAND',
      command: ['/bin/sh', '-c', 'test -f /ready'],
    });
  });

  it('refuse two health check kinds, or timings without a check', () => {
    expect(() => deployInput('web', flags({ healthTcp: true, healthCommand: 'true' }))).toThrow(UsageError);
    expect(() => deployInput('web', flags({ healthInterval: 1000 }))).toThrow(/need a check/);
  });
});
