import { Assignment } from '@mammoth/domain';
import { actualOf, containerSpec, networkSpec, statusOf } from './docker-mapping';

const a: Assignment = {
  instanceId: '0123abcd-0000-4000-8000-000000000001',
  app: 'web',
  package: { name: 'web', version: '1', digest: `sha256:${'a'.repeat(64)}`, format: 'image', imageRef: 'web:1' },
  resources: { cpuMillis: 500, memoryMiB: 128, diskMiB: 10 },
  port: 31005,
  env: { LEVEL: 'debug', PORT: '1' },
};

describe('containerSpec', () => {
  const spec = containerSpec(a, 'n1', 'beef', '10.1.2.3');

  it('names the container after app, instance and a random suffix, and runs the package image', () => {
    expect(spec.name).toBe('mammoth-web-0123abcd-beef');
    expect(spec.Image).toBe('web:1');
  });

  it('labels it so the daemon can find and adopt it', () => {
    expect(spec.Labels).toMatchObject({
      'mammoth.instance': a.instanceId,
      'mammoth.app': 'web',
      'mammoth.node': 'n1',
      'mammoth.port': '31005',
    });
  });

  it('passes the assignment env, with HOST (every address of its own network), PORT and the MAMMOTH_ variables first', () => {
    expect([...spec.Env!].sort()).toEqual(
      [
        'LEVEL=debug',
        'HOST=0.0.0.0',
        'PORT=31005',
        'MAMMOTH_APP=web',
        `MAMMOTH_INSTANCE_ID=${a.instanceId}`,
        'MAMMOTH_NODE_ID=n1',
      ].sort(),
    );
  });

  it('runs it on the Mammoth bridge with PORT published on the node address, confined, and never restarted by Docker', () => {
    expect(spec.ExposedPorts).toEqual({ '31005/tcp': {} });
    expect(spec.User).toBeUndefined();
    expect(spec.HostConfig).toEqual({
      NetworkMode: 'mammoth',
      PortBindings: { '31005/tcp': [{ HostIp: '10.1.2.3', HostPort: '31005' }] },
      SecurityOpt: ['no-new-privileges'],
      CapDrop: ['ALL'],
      PidsLimit: 512,
      ReadonlyRootfs: false,
      NanoCpus: 500_000_000,
      Memory: 128 * 1024 * 1024,
      RestartPolicy: { Name: 'no' },
      Init: true,
    });
  });

  it("takes the app's user, read-only root and network settings", () => {
    const confined = containerSpec(
      { ...a, isolation: { network: 'bridge', user: '65534', readOnlyRootFs: true } },
      'n1',
      'x',
      '10.1.2.3',
      {
        network: 'mm-test',
        pidsLimit: 64,
      },
    );
    expect(confined.User).toBe('65534');
    expect(confined.HostConfig).toMatchObject({ NetworkMode: 'mm-test', ReadonlyRootfs: true, PidsLimit: 64 });
  });

  it('shares the host network only when the app asked for it, serving on the node address', () => {
    const host = containerSpec({ ...a, isolation: { network: 'host' } }, 'n1', 'x', '10.1.2.3');
    expect(host.HostConfig).toMatchObject({
      NetworkMode: 'host',
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
    });
    expect(host.HostConfig?.PortBindings).toBeUndefined();
    expect(host.ExposedPorts).toBeUndefined();
    expect(host.Env).toContain('HOST=10.1.2.3');
  });
});

describe('networkSpec', () => {
  it("is a user-defined bridge labelled as Mammoth's, refused when the name is taken", () => {
    expect(networkSpec('mammoth')).toEqual({
      Name: 'mammoth',
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: { 'mammoth.owned': 'true' },
    });
  });
});

describe('statusOf / actualOf', () => {
  it.each([
    ['running', 'running'],
    ['exited', 'exited'],
    ['dead', 'exited'],
    ['created', 'created'],
    ['paused', 'other'],
    ['removing', 'other'],
  ])('%s -> %s', (docker, ours) => expect(statusOf(docker)).toBe(ours));

  it('reads labels and creation time (seconds) back', () => {
    const listed = {
      Id: 'abc',
      State: 'running',
      Created: 1700000000,
      Labels: { 'mammoth.instance': 'i1', 'mammoth.app': 'web' },
    };
    expect(actualOf(listed as never)).toEqual({
      containerId: 'abc',
      instanceId: 'i1',
      app: 'web',
      status: 'running',
      createdAt: 1700000000000,
    });
  });
});
