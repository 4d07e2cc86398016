import { Assignment } from '@mammoth/domain';
import { InstanceReport, InstanceState } from '../control-plane/control-plane.client';
import { HealthTarget } from '../health/health-monitor';
import { reconcile } from '../reconcile/reconcile';
import { ActualContainer, ContainerRuntime } from '../runtime/container-runtime';
import { backoffDelay } from './backoff';
import { reconcileErrors } from '../daemon.metrics';

/** InstancePhase is where one instance is in its life on this node. */
export type InstancePhase = 'new' | 'starting' | 'running' | 'exited' | 'failed' | 'stopping' | 'stopped';

/** Listing is a container list taken by the loop, valid for a worker only if the worker's epoch did not move since. */
export interface Listing {
  readonly containers: readonly ActualContainer[];
  readonly epoch: number;
}

/** WorkerDeps is what an InstanceWorker acts through. */
export interface WorkerDeps {
  readonly nodeId: string;
  readonly runtime: ContainerRuntime;
  readonly report: (r: InstanceReport) => void;
  readonly log: (message: string) => void;
  /** trace takes the routine lifecycle lines (started, adopted, stopped); a fleet of hollow nodes counts them instead of printing. */
  readonly trace?: (message: string) => void;
  readonly now: () => number;
  /** watchHealth, when given, starts checking a running container of an instance whose app has a health check; it returns the stop. */
  readonly watchHealth?: (target: HealthTarget) => () => void;
}

/** HEALTHY_AFTER_MS is how long a container must have been up before its earlier crashes stop slowing its restarts. */
const HEALTHY_AFTER_MS = 10000;

/**
 * InstanceWorker is the one serial worker of one instance (kubelet's pod worker): it keeps only the newest desired
 * state, never runs two syncs at once, and reports each phase change once.
 */
export class InstanceWorker {
  private phaseValue: InstancePhase = 'new';
  private epochValue = 0;
  private desired: Assignment | undefined;
  private app = '';
  private listing: Listing | undefined;
  private hasWork = false;
  private running: Promise<void> | null = null;
  private failures = 0;
  private notBefore = 0;
  private lastReport = '';
  private unwatch: (() => void) | null = null;
  private watched: string | null = null;
  private released = false;

  constructor(
    readonly instanceId: string,
    private readonly deps: WorkerDeps,
  ) {}

  get phase(): InstancePhase {
    return this.phaseValue;
  }

  /** epoch moves whenever this worker starts or ends a sync, which is what makes an older listing stale. */
  get epoch(): number {
    return this.epochValue;
  }

  /** finished tells the loop it may forget this worker: nothing desired, nothing running, nothing to do. */
  get finished(): boolean {
    return (
      !this.running &&
      !this.hasWork &&
      this.desired === undefined &&
      (this.phaseValue === 'stopped' || this.phaseValue === 'new')
    );
  }

  /** release tells the worker its instance was unassigned from this node: it reports it stopped even if it never ran here. */
  release(app: string): void {
    this.app ||= app;
    this.released = true;
  }

  /** update replaces the desired state (undefined: not wanted here) and schedules a sync; it returns when the worker is idle. */
  update(desired: Assignment | undefined, listing?: Listing): Promise<void> {
    this.desired = desired;
    if (desired) this.app = desired.app;
    this.listing = listing;
    this.hasWork = true;
    this.running ??= this.loop().finally(() => (this.running = null));
    return this.running;
  }

  /** idle resolves once the current and queued syncs are done. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async loop(): Promise<void> {
    while (this.hasWork) {
      this.hasWork = false;
      const { desired, listing } = this;
      this.listing = undefined;
      const fresh = listing?.epoch === this.epochValue ? listing.containers : undefined;
      this.epochValue++;
      try {
        await this.sync(desired, fresh ?? (await this.deps.runtime.list({ instanceId: this.instanceId })));
      } catch (err) {
        reconcileErrors.inc({ stage: 'sync' });
        this.deps.log(`instance ${this.instanceId}: sync failed, will retry: ${(err as Error).message}`);
      } finally {
        this.epochValue++;
      }
    }
  }

  private async sync(desired: Assignment | undefined, containers: readonly ActualContainer[]): Promise<void> {
    if (containers[0]) this.app ||= containers[0].app;
    const plan = reconcile(new Map(desired ? [[this.instanceId, desired]] : []), containers);
    for (const c of plan.stop) {
      if (c.containerId === this.watched) this.unwatchHealth();
      if (desired)
        this.deps.log(`stopping duplicate container ${c.containerId.slice(0, 12)} of instance ${this.instanceId}`);
      else this.phaseValue = 'stopping';
      await this.deps.runtime.stop(c.containerId);
    }
    if (!desired) {
      this.unwatchHealth();
      return this.settleStopped(plan.stop.at(-1));
    }
    const [keep] = plan.keep;
    if (keep) return this.observeRunning(keep.container, desired);
    this.unwatchHealth();
    const [restart] = plan.restart;
    if (restart) await this.removeExited(restart.container);
    if (this.deps.now() >= this.notBefore) await this.start(desired);
  }

  private settleStopped(last: ActualContainer | undefined): void {
    if (!last && (this.phaseValue === 'stopped' || (this.phaseValue === 'new' && !this.released))) return;
    this.phaseValue = 'stopped';
    this.trace(
      `stopped instance ${this.instanceId} (${this.app})${last ? ` container ${last.containerId.slice(0, 12)}` : ''}`,
    );
    this.emit('stopped', { containerId: last?.containerId });
  }

  private observeRunning(c: ActualContainer, desired: Assignment): void {
    if (this.phaseValue !== 'running')
      this.trace(`adopted running container ${c.containerId.slice(0, 12)} of instance ${this.instanceId}`);
    this.phaseValue = 'running';
    if (this.deps.now() - c.createdAt >= HEALTHY_AFTER_MS) this.failures = 0;
    this.emit('running', { containerId: c.containerId });
    this.watchHealth(desired, c.containerId, c.createdAt);
  }

  private async removeExited(c: ActualContainer): Promise<void> {
    if (c.status === 'exited') {
      const exitCode = (await this.deps.runtime.exitCode(c.containerId)) ?? undefined;
      this.phaseValue = 'exited';
      const exitedAt = new Date(this.deps.now()).toISOString();
      const delay = this.backOff();
      this.deps.log(
        `instance ${this.instanceId} (${this.app}) exited with code ${exitCode ?? '?'}; restarting ${delay ? `in ${delay} ms` : 'now'}`,
      );
      this.emit('exited', {
        containerId: c.containerId,
        exitCode,
        exitedAt,
        nextAttemptAt: new Date(this.notBefore).toISOString(),
      });
    }
    await this.deps.runtime.stop(c.containerId);
  }

  private async start(a: Assignment): Promise<void> {
    this.phaseValue = 'starting';
    let step = 'image';
    try {
      await this.deps.runtime.ensureImage(a.package);
      step = 'start';
      const containerId = await this.deps.runtime.start(a);
      this.phaseValue = 'running';
      this.trace(
        `started instance ${a.instanceId} (${a.app}) on port ${a.port} as container ${containerId.slice(0, 12)}`,
      );
      this.emit('running', { containerId });
      this.watchHealth(a, containerId, this.deps.now());
    } catch (err) {
      reconcileErrors.inc({ stage: 'start' });
      this.phaseValue = 'failed';
      const reason = `${step}: ${(err as Error).message}`;
      const delay = this.backOff();
      this.deps.log(
        `instance ${a.instanceId} (${a.app}) failed to start, retrying ${delay ? `in ${delay} ms` : 'on the next pass'}: ${reason}`,
      );
      this.emit('failed', { reason });
    }
  }

  /** backOff delays the next start: not at all after the first failure, then 1 s, 2 s, … up to a minute. */
  private backOff(): number {
    const delay = backoffDelay(this.failures++, 1000, 60000);
    this.notBefore = this.deps.now() + delay;
    return delay;
  }

  /** watchHealth checks the running container if the app has a health check (once per container); unwatchHealth stops checking. */
  private watchHealth(a: Assignment, containerId: string, startedAt: number): void {
    if (this.watched === containerId) return;
    this.unwatchHealth();
    if (!a.healthCheck || !this.deps.watchHealth) return;
    this.unwatch = this.deps.watchHealth({
      instanceId: this.instanceId,
      app: a.app,
      containerId,
      port: a.port,
      check: a.healthCheck,
      startedAt,
    });
    this.watched = containerId;
  }

  private unwatchHealth(): void {
    this.unwatch?.();
    this.unwatch = null;
    this.watched = null;
  }

  private trace(message: string): void {
    (this.deps.trace ?? this.deps.log)(message);
  }

  private emit(
    state: InstanceState,
    extra: { containerId?: string; exitCode?: number; reason?: string; exitedAt?: string; nextAttemptAt?: string },
  ): void {
    const key = JSON.stringify([state, extra.containerId, extra.exitCode, extra.reason]);
    if (key === this.lastReport) return;
    this.lastReport = key;
    this.deps.report({ instanceId: this.instanceId, app: this.app, nodeId: this.deps.nodeId, state, ...extra });
  }
}
