import { HealthCheck } from '@mammoth/events';
import { InstanceReport } from '../control-plane/control-plane.client';
import { FakeRuntime } from '../testing/fake-runtime';
import { HealthMonitor } from './health-monitor';

const ID = '00000000-0000-4000-8000-000000000001';
const CHECK: HealthCheck = {
  kind: 'http',
  path: '/healthz',
  expectedStatus: 200,
  intervalMs: 1000,
  timeoutMs: 200,
  gracePeriodMs: 5000,
  unhealthyThreshold: 2,
  healthyThreshold: 1,
};
const ok = { healthy: true, message: 'HTTP 200' };
const bad = { healthy: false, message: 'HTTP 404 from GET /healthz (expected 200)' };

/** setup builds a monitor over a fake runtime, with a clock the test moves and the reports it makes. */
function setup(check: HealthCheck = CHECK) {
  let now = 100_000;
  const runtime = new FakeRuntime(() => now);
  const reports: InstanceReport[] = [];
  const logs: string[] = [];
  const monitor = new HealthMonitor(
    { instanceId: ID, app: 'web', containerId: 'c1', port: 31001, check, startedAt: now },
    { nodeId: 'n1', runtime, report: (r) => reports.push(r), now: () => now, log: (m) => logs.push(m) },
  );
  const ticks = async (n: number) => {
    for (let i = 0; i < n; i++) await monitor.tick();
  };
  return { runtime, reports, logs, monitor, ticks, advance: (ms: number) => (now += ms) };
}

const verdicts = (reports: InstanceReport[]) =>
  reports.map((r) => `${r.health?.healthy ? 'healthy' : 'unhealthy'}: ${r.health?.message}`);

describe('HealthMonitor', () => {
  it('reports the first healthy result as a running report of its container carrying the verdict', async () => {
    const t = setup();
    t.runtime.probeAnswers.push(ok, ok);
    await t.ticks(2);
    expect(t.reports).toEqual([
      {
        instanceId: ID,
        app: 'web',
        nodeId: 'n1',
        state: 'running',
        containerId: 'c1',
        health: { healthy: true, message: 'HTTP 200' },
      },
    ]);
    expect(t.logs).toEqual([`instance ${ID} (web) is healthy: HTTP 200`]);
  });

  it('ignores failures during the grace period, then reports unhealthy after unhealthyThreshold failures', async () => {
    const t = setup();
    t.runtime.probeDefault = bad;
    await t.ticks(5);
    expect(t.reports).toEqual([]);
    t.advance(CHECK.gracePeriodMs);
    await t.ticks(1);
    expect(t.reports).toEqual([]);
    await t.ticks(3);
    expect(verdicts(t.reports)).toEqual(['unhealthy: HTTP 404 from GET /healthz (expected 200)']);
    expect(t.runtime.calls.probe).toBe(9);
  });

  it('counts failures within the grace period once the container has been healthy', async () => {
    const t = setup();
    t.runtime.probeAnswers.push(ok, bad, bad);
    await t.ticks(3);
    expect(verdicts(t.reports)).toEqual(['healthy: HTTP 200', 'unhealthy: HTTP 404 from GET /healthz (expected 200)']);
  });

  it('counts a probe that throws as a failure, saying why', async () => {
    const t = setup({ ...CHECK, gracePeriodMs: 0, unhealthyThreshold: 1 });
    t.runtime.probeAnswers.push(new Error('no such container'));
    await t.ticks(1);
    expect(verdicts(t.reports)).toEqual(['unhealthy: check failed: no such container']);
  });

  it('counts a probe that never answers as a failure once its timeout (plus slack) passes', async () => {
    jest.useFakeTimers();
    try {
      const t = setup({ ...CHECK, gracePeriodMs: 0, unhealthyThreshold: 1 });
      t.runtime.probe = () => new Promise(() => undefined);
      const tick = t.monitor.tick();
      await jest.advanceTimersByTimeAsync(CHECK.timeoutMs + 1000);
      await tick;
      expect(verdicts(t.reports)).toEqual([`unhealthy: check did not finish within ${CHECK.timeoutMs} ms`]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('reports nothing once stopped, even for a probe in flight', async () => {
    const t = setup({ ...CHECK, gracePeriodMs: 0, unhealthyThreshold: 1 });
    t.runtime.probeDefault = bad;
    const tick = t.monitor.tick();
    t.monitor.stop();
    await tick;
    await t.ticks(2);
    expect(t.reports).toEqual([]);
  });

  it('probes every intervalMs once started, one probe at a time', async () => {
    jest.useFakeTimers();
    try {
      const t = setup();
      t.monitor.start();
      await jest.advanceTimersByTimeAsync(CHECK.intervalMs - 1);
      expect(t.runtime.calls.probe).toBe(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(t.runtime.calls.probe).toBe(1);
      await jest.advanceTimersByTimeAsync(3 * CHECK.intervalMs);
      expect(t.runtime.calls.probe).toBe(4);
      t.monitor.stop();
      await jest.advanceTimersByTimeAsync(3 * CHECK.intervalMs);
      expect(t.runtime.calls.probe).toBe(4);
    } finally {
      jest.useRealTimers();
    }
  });
});
