import { AppEvent, HealthCheck, InstanceEvent, makeEvent } from '@mammoth/events';
import { foldInstance, initialInstanceState } from '../instance/instance';
import { AppSpec, evolveApp, initialAppState } from './app';
import { repairOf } from './repair';

const PKG = {
  name: 'web',
  version: '1.0.0',
  digest: `sha256:${'a'.repeat(64)}`,
  format: 'image' as const,
  imageRef: 'mammoth/web:1.0.0',
};
const CHECK: HealthCheck = {
  kind: 'tcp',
  intervalMs: 1000,
  timeoutMs: 500,
  gracePeriodMs: 0,
  unhealthyThreshold: 2,
  healthyThreshold: 1,
};
const ID = '00000000-0000-4000-8000-000000000001';
const base = { instanceId: ID, app: 'web', nodeId: 'n1' };
const spec = (over: Partial<AppSpec> = {}): AppSpec => ({
  name: 'web',
  package: PKG,
  instances: 1,
  resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
  env: {},
  constraints: [],
  strategy: 'spread',
  ...over,
});
const app = (over: Partial<AppSpec> = {}, more: AppEvent[] = []) =>
  [
    makeEvent('AppDeployed', spec(over)),
    makeEvent('InstancePlaced', { app: 'web', instanceId: ID, nodeId: 'n1', host: 'h', port: 20000 }),
    ...more,
  ].reduce(evolveApp, initialAppState());
const instance = (events: InstanceEvent[]) => foldInstance(initialInstanceState(), events);
const running = (c = 'c1') => makeEvent('InstanceRunning', { ...base, containerId: c });
const health = (healthy: boolean, message: string) =>
  makeEvent('InstanceHealthChanged', { ...base, healthy, message, containerId: 'c1' });
const exitAt = (c: string, s: number) =>
  makeEvent('InstanceExited', {
    ...base,
    containerId: c,
    exitCode: 3,
    at: new Date(Date.UTC(2024, 0, 1, 0, 0, s)).toISOString(),
  });

describe('repairOf', () => {
  it('replaces an instance its node found unhealthy, saying why and preferring another node', () => {
    expect(
      repairOf(app({ healthCheck: CHECK }), ID, instance([running(), health(false, 'connection refused')])),
    ).toEqual({
      type: 'ReplaceInstance',
      instanceId: ID,
      reason: 'unhealthy: connection refused',
      avoidNode: true,
    });
  });

  it('leaves a healthy, unknown or since-recovered instance alone', () => {
    const a = app({ healthCheck: CHECK });
    expect(repairOf(a, ID, instance([running(), health(true, 'connected')]))).toBeNull();
    expect(repairOf(a, ID, instance([running()]))).toBeNull();
    expect(repairOf(a, ID, instance([running(), health(false, 'refused'), health(true, 'connected')]))).toBeNull();
  });

  it('replaces a crash-looping instance once it exits more often than its app allows within the window', () => {
    const looping = instance([
      running('c1'),
      exitAt('c1', 0),
      running('c2'),
      exitAt('c2', 2),
      running('c3'),
      exitAt('c3', 5),
    ]);
    expect(repairOf(app({ maxRestarts: 2, restartWindowMs: 60000 }), ID, looping)?.reason).toMatch(
      /^crash loop: exited 3 times within 5\.0 s/,
    );
    expect(repairOf(app({ maxRestarts: 3, restartWindowMs: 60000 }), ID, looping)).toBeNull();
    expect(repairOf(app({ maxRestarts: 2, restartWindowMs: 4000 }), ID, looping)).toBeNull();
  });

  it('does nothing for an instance that is no longer live', () => {
    const stopped = makeEvent('InstanceStopRequested', {
      app: 'web',
      instanceId: ID,
      nodeId: 'n1',
      reason: 'scaled down',
    });
    expect(
      repairOf(app({ healthCheck: CHECK }, [stopped]), ID, instance([running(), health(false, 'refused')])),
    ).toBeNull();
    expect(repairOf(initialAppState(), ID, instance([running(), health(false, 'refused')]))).toBeNull();
  });
});
