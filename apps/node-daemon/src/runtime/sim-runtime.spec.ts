import { Assignment } from '@mammoth/domain';
import { SimRuntime } from './sim-runtime';

const assignment = (n: number): Assignment => ({
  instanceId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  app: 'web',
  package: { name: 'web', version: '1', digest: `sha256:${'a'.repeat(64)}`, format: 'image', imageRef: 'web:1' },
  resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
  port: 31000 + n,
  env: {},
});

describe('SimRuntime', () => {
  it('starts containers instantly with distinct 64-hex ids and lists them, all or by instance', async () => {
    const rt = new SimRuntime(() => 42);
    const a = await rt.start(assignment(1));
    const b = await rt.start(assignment(2));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).not.toBe(a);
    expect(await rt.list()).toEqual([
      { containerId: a, instanceId: assignment(1).instanceId, app: 'web', status: 'running', createdAt: 42 },
      { containerId: b, instanceId: assignment(2).instanceId, app: 'web', status: 'running', createdAt: 42 },
    ]);
    expect((await rt.list({ instanceId: assignment(2).instanceId })).map((c) => c.containerId)).toEqual([b]);
  });

  it('stops idempotently and never needs an image', async () => {
    const rt = new SimRuntime();
    await expect(rt.ensureImage()).resolves.toBeUndefined();
    const id = await rt.start(assignment(1));
    await rt.stop(id);
    await rt.stop(id);
    expect(rt.size).toBe(0);
    expect(await rt.exitCode(id)).toBeNull();
  });

  it('crash makes a running container exit with the code and tells the watchers until they unwatch', async () => {
    const rt = new SimRuntime();
    const id = await rt.start(assignment(1));
    const exits: string[] = [];
    const unwatch = rt.watchExits((e) => exits.push(`${e.instanceId}/${e.containerId}`));
    expect(rt.crash(assignment(1).instanceId, 3)).toBe(true);
    expect(exits).toEqual([`${assignment(1).instanceId}/${id}`]);
    expect(await rt.exitCode(id)).toBe(3);
    expect((await rt.list())[0].status).toBe('exited');
    expect(rt.crash(assignment(1).instanceId)).toBe(false);
    unwatch();
    await rt.start(assignment(2));
    rt.crash(assignment(2).instanceId);
    expect(exits).toHaveLength(1);
  });
});
