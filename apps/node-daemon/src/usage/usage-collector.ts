import pLimit from 'p-limit';
import { NodeUsage } from '@mammoth/events';
import {
  instanceCpu,
  instanceMemory,
  instanceNetwork,
  nodeCpuPercent,
  nodeInstances,
  nodeMemory,
} from '../daemon.metrics';
import { ActualContainer } from '../runtime/container-runtime';
import { ContainerUsage } from './docker-stats';

/** UsageSource lists this node's containers and reads one container's use (DockerRuntime). */
export interface UsageSource {
  list(): Promise<ActualContainer[]>;
  usage(containerId: string): Promise<ContainerUsage>;
}

/** UsageCollectorOptions configure a UsageCollector. */
export interface UsageCollectorOptions {
  readonly nodeId: string;
  readonly source: UsageSource;
  readonly intervalMs: number;
  /** concurrency bounds the stats calls in flight at once (each costs dockerd a cgroup read). */
  readonly concurrency: number;
  readonly log: (message: string) => void;
  readonly now?: () => number;
}

interface Sampled {
  readonly app: string;
  readonly usage: ContainerUsage;
}

const MiB = 1024 * 1024;

/**
 * UsageCollector samples every running instance of the node through Docker's stats API each interval, with a bounded
 * number of calls in flight, and exports each instance's CPU, memory and network and the node's totals; `summary` is the
 * compact node usage a heartbeat carries (CPU over the last interval, memory now), or undefined before two samples.
 */
export class UsageCollector {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private last = new Map<string, Sampled>();
  private lastCpu: { at: number; seconds: number } | null = null;
  private current: NodeUsage | undefined;
  private failing = false;

  constructor(private readonly opts: UsageCollectorOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sample(), this.opts.intervalMs);
    void this.sample();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** summary is the node's use for its heartbeat: CPU percent over the last interval and memory in MiB. */
  summary(): NodeUsage | undefined {
    return this.current;
  }

  /** sample takes one round of samples (a round still in flight is not overlapped). */
  sample(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = null));
    return this.running;
  }

  private async round(): Promise<void> {
    const { source, nodeId, log } = this.opts;
    const now = (this.opts.now ?? Date.now)();
    let running: ActualContainer[];
    try {
      running = (await source.list()).filter((c) => c.status === 'running');
    } catch (err) {
      if (!this.failing) log(`cannot sample instance usage: ${(err as Error).message}`);
      this.failing = true;
      return;
    }
    this.failing = false;
    const limit = pLimit(this.opts.concurrency);
    const sampled = new Map<string, Sampled>();
    await Promise.all(
      running.map((c) =>
        limit(async () => {
          try {
            sampled.set(c.instanceId, { app: c.app, usage: await source.usage(c.containerId) });
          } catch {
            // A container that stopped meanwhile has no stats: it leaves the next round's series.
          }
        }),
      ),
    );
    for (const [instance, s] of this.last) if (!sampled.has(instance)) this.forget(instance, s.app);
    this.last = sampled;
    let cpu = 0;
    let memory = 0;
    for (const [instance, { app, usage }] of sampled) {
      const labels = { node: nodeId, app, instance_id: instance };
      setCounter(instanceCpu, labels, usage.cpuSeconds);
      instanceMemory.set(labels, usage.memoryBytes);
      setCounter(instanceNetwork, { ...labels, direction: 'rx' }, usage.rxBytes);
      setCounter(instanceNetwork, { ...labels, direction: 'tx' }, usage.txBytes);
      cpu += usage.cpuSeconds;
      memory += usage.memoryBytes;
    }
    nodeMemory.set({ node: nodeId }, memory);
    nodeInstances.set({ node: nodeId }, sampled.size);
    const previous = this.lastCpu;
    this.lastCpu = { at: now, seconds: cpu };
    if (!previous || now <= previous.at) return;
    // An instance gone since the previous round takes its CPU time with it: never report less than nothing.
    const cpuPercent = Math.max(0, ((cpu - previous.seconds) / ((now - previous.at) / 1000)) * 100);
    nodeCpuPercent.set({ node: nodeId }, cpuPercent);
    this.current = { cpuPercent: Math.round(cpuPercent * 10) / 10, memoryMiB: Math.round(memory / MiB) };
  }

  private forget(instance: string, app: string): void {
    const labels = { node: this.opts.nodeId, app, instance_id: instance };
    instanceCpu.remove(labels);
    instanceMemory.remove(labels);
    instanceNetwork.remove({ ...labels, direction: 'rx' });
    instanceNetwork.remove({ ...labels, direction: 'tx' });
  }
}

/** setCounter sets a counter series to a total read elsewhere (Docker's since-start figures): series and value anew. */
function setCounter<L extends string>(
  c: { remove(labels: Partial<Record<L, string>>): void; inc(labels: Partial<Record<L, string>>, value: number): void },
  labels: Partial<Record<L, string>>,
  value: number,
): void {
  c.remove(labels);
  c.inc(labels, value);
}
