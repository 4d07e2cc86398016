import { Assignment } from '@mammoth/domain';
import { actualOf, containerSpec, statusOf } from './docker-mapping';

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

  it('passes the assignment env, with HOST (the node address), PORT and the MAMMOTH_ variables taking precedence', () => {
    expect([...spec.Env!].sort()).toEqual(
      [
        'LEVEL=debug',
        'HOST=10.1.2.3',
        'PORT=31005',
        'MAMMOTH_APP=web',
        `MAMMOTH_INSTANCE_ID=${a.instanceId}`,
        'MAMMOTH_NODE_ID=n1',
      ].sort(),
    );
  });

  it('uses the host network, limits cpu and memory, and never lets Docker restart it', () => {
    expect(spec.HostConfig).toEqual({
      NetworkMode: 'host',
      NanoCpus: 500_000_000,
      Memory: 128 * 1024 * 1024,
      RestartPolicy: { Name: 'no' },
      Init: true,
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
