import { HealthCheck } from '@mammoth/events';
import { InstanceReport } from '../control-plane/control-plane.client';
import { ContainerRuntime, ProbeResult } from '../runtime/container-runtime';
import { HealthState, initialHealth, observe } from './health-state';

/** HealthTarget is one running container to check: whose it is, where it serves, how to check it and when it started. */
export interface HealthTarget {
  readonly instanceId: string;
  readonly app: string;
  readonly containerId: string;
  readonly port: number;
  readonly check: HealthCheck;
  /** startedAt is epoch milliseconds; the grace period counts from it. */
  readonly startedAt: number;
}

/** HealthMonitorDeps is what a monitor probes through and reports to. */
export interface HealthMonitorDeps {
  readonly nodeId: string;
  readonly runtime: ContainerRuntime;
  readonly report: (r: InstanceReport) => void;
  readonly now: () => number;
  readonly log: (message: string) => void;
}

/** MESSAGE_LIMIT bounds the check message a report carries. */
const MESSAGE_LIMIT = 512;
/** SLACK_MS is how much longer than the check's timeout a probe may take before the monitor gives up on it. */
const SLACK_MS = 1000;

/**
 * HealthMonitor checks one running container every `intervalMs` (the interval counts from the end of the previous probe, so
 * probes never overlap) and reports each change of its health as a running report carrying the verdict, through the same
 * queue as the instance's other reports. It is started when the container runs and stopped when it stops or exits; a
 * stopped monitor reports nothing more.
 */
export class HealthMonitor {
  private state: HealthState = initialHealth();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    readonly target: HealthTarget,
    private readonly deps: HealthMonitorDeps,
  ) {}

  /** status is the container's health as the monitor sees it now. */
  get status(): HealthState['status'] {
    return this.state.status;
  }

  /** start schedules the first probe one interval from now. */
  start(): this {
    this.schedule();
    return this;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** tick runs one probe now and folds its result; the timer calls it, and so may tests. */
  async tick(): Promise<void> {
    const { check, containerId, startedAt } = this.target;
    const result = await this.probe();
    if (this.stopped) return;
    const inGrace = this.deps.now() - startedAt < check.gracePeriodMs;
    const { state, verdict } = observe(this.state, result, check, inGrace);
    this.state = state;
    if (!verdict) return;
    const message = verdict.message.slice(0, MESSAGE_LIMIT);
    this.deps.log(`instance ${this.target.instanceId} (${this.target.app}) is ${state.status}: ${message}`);
    this.deps.report({
      instanceId: this.target.instanceId,
      app: this.target.app,
      nodeId: this.deps.nodeId,
      state: 'running',
      containerId,
      health: { healthy: verdict.healthy, message },
    });
  }

  private async probe(): Promise<ProbeResult> {
    const { check, containerId, port } = this.target;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<ProbeResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ healthy: false, message: `check did not finish within ${check.timeoutMs} ms` }),
        check.timeoutMs + SLACK_MS,
      );
    });
    try {
      return await Promise.race([this.deps.runtime.probe(containerId, check, port), limit]);
    } catch (err) {
      return { healthy: false, message: `check failed: ${(err as Error).message}` };
    } finally {
      clearTimeout(timer);
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.schedule());
    }, this.target.check.intervalMs);
    this.timer.unref();
  }
}
