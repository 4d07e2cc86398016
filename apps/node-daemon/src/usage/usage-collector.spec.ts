import { metricsRegistry } from '@mammoth/platform';
import { ActualContainer } from '../runtime/container-runtime';
import { usageOf } from './docker-stats';
import { UsageCollector, UsageSource } from './usage-collector';

const container = (instanceId: string, status: ActualContainer['status'] = 'running'): ActualContainer => ({
  containerId: `c-${instanceId}`,
  instanceId,
  app: 'web',
  status,
  createdAt: 0,
});

describe('usageOf', () => {
  it('reads CPU seconds, memory less the inactive page cache, and network summed over interfaces', () => {
    expect(
      usageOf({
        cpu_stats: { cpu_usage: { total_usage: 2_500_000_000 } },
        memory_stats: { usage: 10_000, stats: { inactive_file: 4_000 } },
        networks: { eth0: { rx_bytes: 10, tx_bytes: 20 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
      }),
    ).toEqual({ cpuSeconds: 2.5, memoryBytes: 6_000, rxBytes: 11, txBytes: 22 });
    expect(usageOf({})).toEqual({ cpuSeconds: 0, memoryBytes: 0, rxBytes: 0, txBytes: 0 });
  });
});

describe('UsageCollector', () => {
  it("exports each running instance's use and the node's totals, and forgets an instance that is gone", async () => {
    let now = 0;
    let cpu = 1;
    let containers = [container('i1'), container('i2'), container('i3', 'exited')];
    const asked: string[] = [];
    const source: UsageSource = {
      list: async () => containers,
      usage: async (id) => {
        asked.push(id);
        return { cpuSeconds: cpu, memoryBytes: 64 * 1024 * 1024, rxBytes: 5, txBytes: 7 };
      },
    };
    const c = new UsageCollector({
      nodeId: 'n1',
      source,
      intervalMs: 1000,
      concurrency: 1,
      log: () => undefined,
      now: () => now,
    });
    await c.sample();
    expect(asked.sort()).toEqual(['c-i1', 'c-i2']);
    expect(c.summary()).toBeUndefined();
    now = 2000;
    cpu = 2;
    await c.sample();
    // Two instances, each one CPU second more over two seconds: one core in all.
    expect(c.summary()).toEqual({ cpuPercent: 100, memoryMiB: 128 });
    let text = await metricsRegistry.getSingleMetricAsString('mammoth_instance_cpu_seconds_total');
    expect(text).toContain('mammoth_instance_cpu_seconds_total{node="n1",app="web",instance_id="i1"} 2');
    containers = [container('i1')];
    now = 3000;
    await c.sample();
    text = await metricsRegistry.getSingleMetricAsString('mammoth_instance_cpu_seconds_total');
    expect(text).not.toContain('instance_id="i2"');
    expect(await metricsRegistry.getSingleMetricAsString('mammoth_node_instances_running')).toContain(
      'mammoth_node_instances_running{node="n1"} 1',
    );
    expect(c.summary()).toEqual({ cpuPercent: 0, memoryMiB: 64 });
  });
});
