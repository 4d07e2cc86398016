import { Assignment } from '@mammoth/domain';
import { withoutCorrelation } from '@mammoth/platform';
import { InstanceReport } from '../control-plane/control-plane.client';
import { HealthMonitor } from '../health/health-monitor';
import { reconcileErrors, reconcileSeconds } from '../daemon.metrics';
import { ActualContainer, ContainerRuntime } from '../runtime/container-runtime';
import { InstanceWorker } from './instance-worker';
import { ReconcileProgress } from './readiness';
import { ReportQueue } from './report-queue';

/** ReconcileLoopDeps is what the loop reads and acts through. */
export interface ReconcileLoopDeps {
  readonly nodeId: string;
  readonly runtime: ContainerRuntime;
  readonly reports: ReportQueue;
  /** desired is the current desired set, or null while it is not known yet (then the loop does nothing). */
  readonly desired: () => ReadonlyMap<string, Assignment> | null;
  /** released takes the instances unassigned from this node since it was last asked (by id, with their app). */
  readonly released?: () => ReadonlyMap<string, string>;
  readonly log: (message: string) => void;
  /** trace takes the workers' routine lifecycle lines; it defaults to log. */
  readonly trace?: (message: string) => void;
  readonly now?: () => number;
}

const FLUSH_DELAY_MS = 50;

/**
 * ReconcileLoop runs passes one at a time: list this node's containers once, then hand each instance's newest desired
 * state and its containers to that instance's serial worker. Triggers during a pass coalesce into one more pass. Every
 * pass lists, even before the desired state is known, so `progress` always tells whether the runtime answers.
 */
export class ReconcileLoop {
  private readonly workers = new Map<string, InstanceWorker>();
  private passing: Promise<void> | null = null;
  private again = false;
  private failing = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private lastOkAt: number;
  private lastError: string | null = null;

  constructor(private readonly deps: ReconcileLoopDeps) {
    this.lastOkAt = (deps.now ?? Date.now)();
  }

  /** progress is when the runtime last answered a listing and the last listing's error (for the heartbeat's readiness). */
  progress(): ReconcileProgress {
    return { lastOkAt: this.lastOkAt, error: this.lastError };
  }

  /** trigger asks for a pass soon; it never runs two at once. */
  trigger(): Promise<void> {
    if (this.passing) {
      this.again = true;
      return this.passing;
    }
    // A pass serves every trigger that comes while it runs: it carries none of their correlation ids.
    this.passing = withoutCorrelation(async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again);
      } finally {
        this.passing = null;
      }
    });
    return this.passing;
  }

  /** drain waits for the running pass and every worker to finish, then sends the reports they produced. */
  async drain(): Promise<void> {
    await this.passing;
    await Promise.all([...this.workers.values()].map((w) => w.idle()));
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await this.deps.reports.flush();
  }

  private async pass(): Promise<void> {
    const done = reconcileSeconds.startTimer();
    try {
      await this.reconcile();
    } finally {
      done();
    }
  }

  private async reconcile(): Promise<void> {
    const epochs = new Map([...this.workers].map(([id, w]) => [id, w.epoch]));
    let actual: ActualContainer[];
    try {
      actual = await this.deps.runtime.list();
      this.lastOkAt = (this.deps.now ?? Date.now)();
      this.lastError = null;
      if (this.failing) this.deps.log('container runtime answers again');
      this.failing = false;
    } catch (err) {
      reconcileErrors.inc({ stage: 'list' });
      this.lastError = (err as Error).message;
      if (!this.failing) this.deps.log(`cannot list containers, will retry: ${(err as Error).message}`);
      this.failing = true;
      return;
    }
    const desired = this.deps.desired();
    if (!desired) return;
    const byInstance = new Map<string, ActualContainer[]>();
    for (const c of actual) byInstance.set(c.instanceId, [...(byInstance.get(c.instanceId) ?? []), c]);
    for (const [id, w] of this.workers)
      if (w.finished && !desired.has(id) && !byInstance.has(id)) this.workers.delete(id);
    // Taken only once the listing succeeded: an instance released before any pass saw it still gets its worker and its stop.
    const released = this.deps.released?.() ?? new Map<string, string>();
    const ids = new Set([...desired.keys(), ...byInstance.keys(), ...this.workers.keys(), ...released.keys()]);
    for (const id of ids) {
      const worker = this.worker(id);
      const app = released.get(id);
      if (app !== undefined) worker.release(app);
      void worker.update(desired.get(id), {
        containers: byInstance.get(id) ?? [],
        epoch: epochs.get(id) ?? 0,
      });
    }
    void this.deps.reports.flush();
  }

  private worker(id: string): InstanceWorker {
    let w = this.workers.get(id);
    if (!w) {
      w = new InstanceWorker(id, {
        nodeId: this.deps.nodeId,
        runtime: this.deps.runtime,
        log: this.deps.log,
        trace: this.deps.trace,
        now: this.deps.now ?? Date.now,
        report: (r) => this.report(r),
        watchHealth: (target) => {
          const { nodeId, runtime, log } = this.deps;
          const monitor = new HealthMonitor(target, {
            nodeId,
            runtime,
            log,
            report: (r) => this.report(r),
            now: this.deps.now ?? Date.now,
          }).start();
          return () => monitor.stop();
        },
      });
      this.workers.set(id, w);
    }
    return w;
  }

  private report(r: InstanceReport): void {
    this.deps.reports.push(r);
    this.flushSoon();
  }

  private flushSoon(): void {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      void this.deps.reports.flush();
    }, FLUSH_DELAY_MS);
  }
}
