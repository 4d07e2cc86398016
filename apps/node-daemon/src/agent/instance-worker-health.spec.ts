import { Assignment } from '@mammoth/domain';
import { HealthCheck } from '@mammoth/events';
import { InstanceReport } from '../control-plane/control-plane.client';
import { HealthTarget } from '../health/health-monitor';
import { FakeRuntime } from '../testing/fake-runtime';
import { InstanceWorker } from './instance-worker';
import { ReconcileLoop } from './reconcile-loop';
import { ReportQueue } from './report-queue';

const ID = '00000000-0000-4000-8000-000000000001';
const CHECK: HealthCheck = {
  kind: 'tcp',
  intervalMs: 1000,
  timeoutMs: 200,
  gracePeriodMs: 0,
  unhealthyThreshold: 2,
  healthyThreshold: 1,
};
const assignment = (healthCheck?: HealthCheck): Assignment => ({
  instanceId: ID,
  app: 'web',
  package: { name: 'web', version: '1', digest: `sha256:${'a'.repeat(64)}`, format: 'image', imageRef: 'web:1' },
  resources: { cpuMillis: 100, memoryMiB: 64, diskMiB: 0 },
  port: 31001,
  env: {},
  ...(healthCheck ? { healthCheck } : {}),
});

/** setup builds one worker over a fake runtime; its health watches are recorded as `watch c1` / `unwatch c1`. */
function setup() {
  let now = 1_000_000;
  const runtime = new FakeRuntime(() => now);
  const reports: InstanceReport[] = [];
  const watches: string[] = [];
  const targets: HealthTarget[] = [];
  const worker = new InstanceWorker(ID, {
    nodeId: 'n1',
    runtime,
    report: (r) => reports.push(r),
    log: () => undefined,
    now: () => now,
    watchHealth: (t) => {
      watches.push(`watch ${t.containerId}`);
      targets.push(t);
      return () => watches.push(`unwatch ${t.containerId}`);
    },
  });
  return { runtime, reports, watches, targets, worker, advance: (ms: number) => (now += ms), now: () => now };
}

describe('InstanceWorker: health checks and restarts', () => {
  it('checks a container it starts, from its start, on the instance port', async () => {
    const t = setup();
    await t.worker.update(assignment(CHECK));
    const [c] = t.runtime.running(ID);
    expect(t.watches).toEqual([`watch ${c.containerId}`]);
    expect(t.targets[0]).toEqual({
      instanceId: ID,
      app: 'web',
      containerId: c.containerId,
      port: 31001,
      check: CHECK,
      startedAt: t.now(),
    });
    await t.worker.update(assignment(CHECK));
    expect(t.watches).toEqual([`watch ${c.containerId}`]);
  });

  it('checks nothing for an app without a health check', async () => {
    const t = setup();
    await t.worker.update(assignment());
    expect(t.runtime.running(ID)).toHaveLength(1);
    expect(t.watches).toEqual([]);
  });

  it('checks an adopted container from when it was created', async () => {
    const t = setup();
    const id = t.runtime.add(ID, 'running', null, 42);
    await t.worker.update(assignment(CHECK));
    expect(t.watches).toEqual([`watch ${id}`]);
    expect(t.targets[0].startedAt).toBe(42);
  });

  it('stops checking a container that exits and checks its replacement', async () => {
    const t = setup();
    await t.worker.update(assignment(CHECK));
    const [first] = t.runtime.running(ID);
    t.runtime.kill(first.containerId, 3);
    await t.worker.update(assignment(CHECK));
    const [second] = t.runtime.running(ID);
    expect(t.watches).toEqual([
      `watch ${first.containerId}`,
      `unwatch ${first.containerId}`,
      `watch ${second.containerId}`,
    ]);
  });

  it('stops checking when the instance is no longer wanted', async () => {
    const t = setup();
    await t.worker.update(assignment(CHECK));
    const [c] = t.runtime.running(ID);
    await t.worker.update(undefined);
    expect(t.watches).toEqual([`watch ${c.containerId}`, `unwatch ${c.containerId}`]);
  });

  it('reports each exit with when it happened and when the node will try again, backing off', async () => {
    const t = setup();
    await t.worker.update(assignment());
    t.runtime.kill(t.runtime.running(ID)[0].containerId, 3);
    await t.worker.update(assignment());
    t.runtime.kill(t.runtime.running(ID)[0].containerId, 3);
    await t.worker.update(assignment());
    const exits = t.reports.filter((r) => r.state === 'exited');
    const at = new Date(t.now()).toISOString();
    expect(exits).toEqual([
      expect.objectContaining({ exitCode: 3, exitedAt: at, nextAttemptAt: at }),
      expect.objectContaining({ exitCode: 3, exitedAt: at, nextAttemptAt: new Date(t.now() + 1000).toISOString() }),
    ]);
    expect(t.runtime.running(ID)).toHaveLength(0);
    t.advance(1000);
    await t.worker.update(assignment());
    expect(t.runtime.running(ID)).toHaveLength(1);
  });
});

describe('ReconcileLoop: health checks', () => {
  it("sends a failing check's unhealthy verdict to the control plane after unhealthyThreshold failures", async () => {
    const runtime = new FakeRuntime();
    runtime.probeDefault = { healthy: false, message: 'connect to port 31001: connection refused' };
    const sent: InstanceReport[] = [];
    let desired = new Map([[ID, assignment({ ...CHECK, intervalMs: 10 })]]);
    const loop = new ReconcileLoop({
      nodeId: 'n1',
      runtime,
      reports: new ReportQueue({ reportInstances: async (r) => void sent.push(...r) }),
      desired: () => desired,
      log: () => undefined,
    });
    await loop.trigger();
    const deadline = Date.now() + 3000;
    while (!sent.some((r) => r.health) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await loop.trigger();
    await loop.drain();
    const [c] = runtime.running(ID);
    expect(sent.filter((r) => r.health)).toEqual([
      {
        instanceId: ID,
        app: 'web',
        nodeId: 'n1',
        state: 'running',
        containerId: c.containerId,
        health: { healthy: false, message: 'connect to port 31001: connection refused' },
      },
    ]);
    expect(runtime.calls.probe).toBeGreaterThanOrEqual(CHECK.unhealthyThreshold);
    desired = new Map();
    await loop.trigger();
    await loop.drain();
    const probes = runtime.calls.probe;
    await new Promise((r) => setTimeout(r, 50));
    expect(runtime.calls.probe).toBe(probes);
  });
});
